/** Every malformed definition of the corpus is rejected before anything runs, with the right step, path and words. */
import { describe, expect, it } from "vitest";
import { compileWorkflow } from "../../src/engine/compile.js";
import { WorkflowCompileError } from "../../src/engine/compile-error.js";
import { WorkflowDefinitionError } from "../../src/errors.js";
import { MALFORMED_DEFINITIONS } from "./malformed-definitions.js";
import { testRegistry } from "./test-blocks.js";

const registry = testRegistry();

function compileError(definition: unknown): WorkflowCompileError {
  try {
    compileWorkflow(definition, { registry });
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowCompileError);
    return error as WorkflowCompileError;
  }
  throw new Error("the definition compiled");
}

describe("malformed definitions", () => {
  it("the corpus has at least 40 cases", () => {
    expect(MALFORMED_DEFINITIONS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MALFORMED_DEFINITIONS.map((entry) => [entry.title, entry] as const))("%s", (_title, entry) => {
    const error = compileError(entry.definition);
    for (const expected of entry.problems) {
      const match = error.problems.find((problem) => problem.path === expected.path);
      expect(match, `no problem at ${expected.path}; got:\n${error.message}`).toBeDefined();
      const problem = match as WorkflowDefinitionError;
      expect(problem.step).toBe(expected.step);
      // Every message names its step and path, so it reads on its own.
      if (expected.step) expect(problem.message).toContain(`step "${expected.step}"`);
      expect(problem.message).toContain(`at ${expected.path}:`);
      for (const word of expected.words) expect(problem.message).toContain(word);
    }
    expect(error.problems.length, error.message).toBe(entry.problems.length);
  });
});

describe("the compile error", () => {
  it("is a WorkflowDefinitionError whose first line says the first problem and counts the rest", () => {
    const several = MALFORMED_DEFINITIONS.find(
      (entry) => entry.title === "several problems in one definition",
    );
    const error = compileError(several?.definition);
    expect(error).toBeInstanceOf(WorkflowDefinitionError);
    expect(error.code).toBe("workflow_definition");
    expect(error.path).toBe("$.steps[0].max_tokens");
    expect(error.step).toBe("qwen");
    const [first, ...rest] = error.message.split("\n");
    expect(first).toMatch(/^step "qwen" at \$\.steps\[0\]\.max_tokens: .* \(and 2 more problems\)$/);
    expect(rest).toHaveLength(3);
    expect(rest.every((line) => line.startsWith("- "))).toBe(true);
  });

  it("with one problem, is that problem", () => {
    const error = compileError({
      steps: [],
      outputs: [{ type: "JsonField", name: "x", selector: "$inputs.y" }],
    });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toBe('at $.outputs[0].selector: "$inputs.y" names no declared input');
  });
});
