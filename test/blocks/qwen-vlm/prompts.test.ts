/** The JSON contracts the parser blocks read, pinned; and each task's prompt carries the user's inputs. */
import { describe, expect, it } from "vitest";
import {
  buildPrompt,
  CLASSIFICATION_CONTRACT,
  DETECTION_CONTRACT,
  MULTI_LABEL_CONTRACT,
} from "../../../src/blocks/models/qwen-vlm/prompts.js";
import { TASK_TYPES } from "../../../src/blocks/models/qwen-vlm/task-types.js";

describe("JSON contracts", () => {
  it("classification: class_name and confidence", () => {
    expect(Object.keys(CLASSIFICATION_CONTRACT)).toEqual(["class_name", "confidence"]);
    expect(typeof CLASSIFICATION_CONTRACT.confidence).toBe("number");
  });

  it("multi-label: predicted_classes of class and confidence", () => {
    expect(Object.keys(MULTI_LABEL_CONTRACT)).toEqual(["predicted_classes"]);
    for (const entry of MULTI_LABEL_CONTRACT.predicted_classes)
      expect(Object.keys(entry)).toEqual(["class", "confidence"]);
  });

  it("object-detection: a list of box_2d (4 integers 0–1000) and label", () => {
    expect(Array.isArray(DETECTION_CONTRACT)).toBe(true);
    for (const entry of DETECTION_CONTRACT) {
      expect(Object.keys(entry)).toEqual(["box_2d", "label"]);
      expect(entry.box_2d).toHaveLength(4);
      for (const value of entry.box_2d)
        expect(Number.isInteger(value) && value >= 0 && value <= 1000).toBe(true);
    }
  });

  it.each([
    ["classification", CLASSIFICATION_CONTRACT],
    ["multi-label-classification", MULTI_LABEL_CONTRACT],
    ["object-detection", DETECTION_CONTRACT],
  ] as const)("the %s prompt shows its contract as JSON", (taskType, contract) => {
    expect(buildPrompt(taskType, { classes: ["a"] }).system).toContain(JSON.stringify(contract));
  });
});

describe("prompts", () => {
  it("every task type has a system and a user part", () => {
    for (const taskType of TASK_TYPES) {
      const prompt = buildPrompt(taskType, { prompt: "q", classes: ["a"], outputStructure: { k: "v" } });
      expect(prompt.system.length).toBeGreaterThan(30);
      expect(prompt.user.length).toBeGreaterThan(0);
    }
  });

  it("carries the user's prompt, quoted classes and output structure", () => {
    expect(buildPrompt("unconstrained", { prompt: "Count the cars" }).user).toBe("Count the cars");
    expect(buildPrompt("visual-question-answering", { prompt: "Is it raining?" }).user).toBe(
      "Is it raining?",
    );
    expect(buildPrompt("classification", { classes: ["red car", 'say "hi"'] }).user).toBe(
      'Classes: "red car", "say \\"hi\\""',
    );
    const structured = buildPrompt("structured-answering", {
      outputStructure: { plate: "licence plate text" },
    });
    expect(JSON.parse(structured.user.replace(/^Fields:\n/, ""))).toEqual({ plate: "licence plate text" });
    expect(structured.system).toMatch(/exactly those keys/);
  });

  it("asks Qwen2.5-style models for absolute pixels only when told to", () => {
    expect(buildPrompt("object-detection", { classes: ["a"] }).system).toMatch(/from 0 to 1000/);
    expect(
      buildPrompt("object-detection", { classes: ["a"], boxConvention: "absolute-pixels" }).system,
    ).toMatch(/absolute pixel coordinates/);
  });
});
