/** Running compiled workflows with instant test blocks: batch order, failures kept to their image, levels, outputs. */
import { describe, expect, it } from "vitest";
import { runWorkflow } from "../../src/api/run-workflow.js";
import { compileWorkflow } from "../../src/engine/compile.js";
import { executeWorkflow, type StepProgress } from "../../src/engine/execute.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { loadImage } from "../../src/vision/image.js";
import { solidJpeg } from "../support/images.js";
import { testRegistry } from "./test-blocks.js";

const registry = testRegistry();
const IMAGE = { type: "WorkflowImage", name: "image" };
const describeStep = { type: "test/describe@v1", name: "size", image: "$inputs.image" };

function field(name: string, selector: string, extra: Record<string, unknown> = {}) {
  return { type: "JsonField", name, selector, ...extra };
}

function definition(steps: unknown[], outputs: unknown[], inputs: unknown[] = [IMAGE]) {
  return { version: "1.0", inputs, steps, outputs };
}

describe("batches", () => {
  it("gives one result per image, in input order", async () => {
    const images = await Promise.all([30, 10, 50, 20, 40].map((width) => solidJpeg(width, 8)));
    const results = await runWorkflow(
      definition([describeStep], [field("size", "$steps.size.text")]),
      { image: images },
      { registry },
    );
    expect(results).toEqual([30, 10, 50, 20, 40].map((width) => ({ size: `${width}x8` })));
  });

  it("takes a single image as a batch of one", async () => {
    const results = await runWorkflow(
      definition([describeStep], [field("size", "$steps.size.text")]),
      {
        image: await solidJpeg(7, 3),
      },
      { registry },
    );
    expect(results).toEqual([{ size: "7x3" }]);
  });

  it("serializes images like the inference server and shares run-wide values with every image", async () => {
    const jpeg = await solidJpeg(4, 4);
    const results = await runWorkflow(
      definition(
        [describeStep],
        [field("picture", "$steps.size.image"), field("word", "$inputs.word"), field("all", "$steps.size.*")],
        [IMAGE, { type: "WorkflowParameter", name: "word", default_value: "hi" }],
      ),
      { image: [jpeg, jpeg] },
      { registry },
    );
    const serialized = { type: "base64", value: jpeg.toString("base64") };
    expect(results).toEqual(
      [0, 1].map(() => ({ picture: serialized, word: "hi", all: { text: "4x4", image: serialized } })),
    );
  });

  it("pairs per-image inputs element by element and shares a list of one", async () => {
    const steps = [
      describeStep,
      { type: "test/join@v1", name: "join", left: "$steps.size.text", right: "$inputs.note" },
      { type: "test/join@v1", name: "join_tag", left: "$inputs.note", right: "$inputs.tag" },
    ];
    const inputs = [
      IMAGE,
      { type: "WorkflowBatchInput", name: "note", kind: "string" },
      { type: "WorkflowBatchInput", name: "tag" },
    ];
    const results = await runWorkflow(
      definition(
        steps,
        [field("joined", "$steps.join.text"), field("tagged", "$steps.join_tag.text")],
        inputs,
      ),
      { image: [await solidJpeg(1, 1), await solidJpeg(2, 2)], note: ["a", "b"], tag: ["same"] },
      { registry },
    );
    expect(results).toEqual([
      { joined: "1x1+a", tagged: "a+same" },
      { joined: "2x2+b", tagged: "b+same" },
    ]);
  });

  it("rejects inputs that do not fit the workflow before running anything", async () => {
    const workflow = compileWorkflow(
      definition(
        [describeStep],
        [field("size", "$steps.size.text")],
        [IMAGE, { type: "WorkflowBatchInput", name: "note" }],
      ),
      { registry },
    );
    const image = await solidJpeg(2, 2);
    await expect(executeWorkflow(workflow, { image, note: ["a"], colour: 1 })).rejects.toThrow(
      /inputs\.colour: is not an input of this workflow\. Valid values: "image", "note"/,
    );
    await expect(executeWorkflow(workflow, { note: ["a"] })).rejects.toThrow(
      /inputs\.image: is required: pass an image/,
    );
    await expect(executeWorkflow(workflow, { image, note: "a" })).rejects.toThrow(
      /WorkflowBatchInput: pass a list/,
    );
    await expect(
      executeWorkflow(workflow, { image: [image, image, image], note: ["a", "b"] }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(executeWorkflow(workflow, { image: [], note: ["a"] })).rejects.toThrow(/empty list/);
  });

  it("runs a workflow without steps or images once", async () => {
    const results = await runWorkflow(
      {
        inputs: [{ type: "WorkflowParameter", name: "x", default_value: [1, 2] }],
        steps: [],
        outputs: [field("x", "$inputs.x")],
      },
      {},
    );
    expect(results).toEqual([{ x: [1, 2] }]);
  });
});

describe("failures stay with their image", () => {
  it("an image that does not load fails only its own outputs", async () => {
    const results = await runWorkflow(
      definition([describeStep], [field("size", "$steps.size.text"), field("same", "$inputs.image")]),
      { image: [await solidJpeg(3, 3), "/no/such/photo.jpg", await solidJpeg(5, 5)] },
      { registry },
    );
    expect(results[0]?.size).toBe("3x3");
    expect(results[2]?.size).toBe("5x5");
    expect(results[1]).toEqual({
      size: null,
      same: null,
      errors: [
        {
          output: "size",
          input: "image",
          code: "image",
          message: "image /no/such/photo.jpg: does not exist",
        },
        {
          output: "same",
          input: "image",
          code: "image",
          message: "image /no/such/photo.jpg: does not exist",
        },
      ],
    });
  });

  it("a failed element fails what depends on it, not the image's other outputs", async () => {
    const steps = [
      describeStep,
      { type: "test/fail_if@v1", name: "check", text: "$steps.size.text", when: "2x" },
      { type: "test/join@v1", name: "after", left: "$steps.check.text" },
    ];
    const images = await Promise.all([1, 2, 3].map((width) => solidJpeg(width, 1)));
    const results = await runWorkflow(
      definition(steps, [field("size", "$steps.size.text"), field("after", "$steps.after.text")]),
      { image: images },
      { registry },
    );
    expect(results.map((result) => result.after)).toEqual(["1x1+", null, "3x1+"]);
    expect(results[1]).toEqual({
      size: "2x1",
      after: null,
      errors: [
        {
          output: "after",
          step: "check",
          code: "step_execution",
          message: 'step "check" (test/fail_if@v1) failed: text "2x1" contains "2x"',
        },
      ],
    });
  });

  it("a block that throws fails every element of that step only", async () => {
    const steps = [
      describeStep,
      { type: "test/fail_if@v1", name: "check", text: "$steps.size.text", when: "", throw_all: true },
    ];
    const results = await runWorkflow(
      definition(steps, [field("size", "$steps.size.text"), field("checked", "$steps.check.text")]),
      { image: [await solidJpeg(1, 1), await solidJpeg(2, 1)] },
      { registry },
    );
    for (const result of results) {
      expect(result.checked).toBeNull();
      expect(result.errors?.[0]?.message).toBe(
        'step "check" (test/fail_if@v1) failed: the whole batch broke',
      );
    }
    expect(results.map((result) => result.size)).toEqual(["1x1", "2x1"]);
  });

  it("checks selector values at run time, naming the property and the selector", async () => {
    const steps = [
      describeStep,
      { type: "test/join@v1", name: "join", left: "$steps.size.text", right: "$inputs.extra" },
    ];
    const workflow = compileWorkflow(
      definition(
        steps,
        [field("joined", "$steps.join.text")],
        [IMAGE, { type: "WorkflowParameter", name: "extra" }],
      ),
      { registry },
    );
    const image = await solidJpeg(1, 1);
    expect(await executeWorkflow(workflow, { image, extra: "x" })).toEqual([{ joined: "1x1+x" }]);
    const [bad] = await executeWorkflow(workflow, { image, extra: 5 });
    expect(bad?.joined).toBeNull();
    expect(bad?.errors).toEqual([
      {
        output: "joined",
        step: "join",
        code: "invalid_argument",
        message: 'step "join" (test/join@v1) failed: right (from $inputs.extra): must be a string, got 5',
      },
    ]);
  });
});

describe("lists per image (nested batches)", () => {
  const nested = (splitType: string) =>
    definition(
      [
        { type: splitType, name: "split", image: "$inputs.image", parts: "$inputs.parts" },
        { type: "test/describe@v1", name: "part", image: "$steps.split.crops" },
        { type: "test/fail_if@v1", name: "check", text: "$steps.part.text", when: "4x" },
        { type: "test/join@v1", name: "join", left: "$steps.check.text", right: "$inputs.label" },
      ],
      [
        field("sizes", "$steps.part.text"),
        field("checked", "$steps.join.text"),
        field("position", "$steps.split.position"),
      ],
      [
        IMAGE,
        { type: "WorkflowParameter", name: "parts", kind: "integer", default_value: 2 },
        { type: "WorkflowParameter", name: "label", default_value: "L" },
      ],
    );

  it.each(["test/split@v1", "test/split_records@v1"])(
    "%s: steps after it run per element; outputs are lists per image",
    async (type) => {
      const results = await runWorkflow(
        nested(type),
        { image: [await solidJpeg(2, 1), await solidJpeg(3, 1)] },
        { registry },
      );
      expect(results[0]).toEqual({ sizes: ["2x1", "3x1"], checked: ["2x1+L", "3x1+L"], position: [0, 1] });
      expect(results[1]).toEqual({
        sizes: ["3x1", "4x1"],
        checked: ["3x1+L", null],
        position: [0, 1],
        errors: [
          {
            output: "checked",
            index: [1],
            step: "check",
            code: "step_execution",
            message: 'step "check" (test/fail_if@v1) failed: text "4x1" contains "4x"',
          },
        ],
      });
    },
  );

  it("keeps failures to one inner element, and an empty list for an image with no parts", async () => {
    const workflow = definition(
      [
        { type: "test/split@v1", name: "split", image: "$inputs.image", parts: "$inputs.parts" },
        { type: "test/describe@v1", name: "part", image: "$steps.split.crops", suffix: "!" },
        { type: "test/fail_if@v1", name: "check", text: "$steps.part.text", when: "4x" },
      ],
      [field("checked", "$steps.check.text"), field("crops", "$steps.split.crops")],
      [IMAGE, { type: "WorkflowBatchInput", name: "parts", kind: "integer" }],
    );
    const results = await runWorkflow(
      workflow,
      { image: [await solidJpeg(3, 1), await solidJpeg(3, 1)], parts: [2, 0] },
      { registry },
    );
    expect(results[0]?.checked).toEqual(["3x1!", null]);
    expect(results[0]?.errors).toEqual([
      {
        output: "checked",
        index: [1],
        step: "check",
        code: "step_execution",
        message: 'step "check" (test/fail_if@v1) failed: text "4x1!" contains "4x"',
      },
    ]);
    expect(
      ((results[0]?.crops ?? []) as unknown[]).every((crop) => (crop as { type: string }).type === "base64"),
    ).toBe(true);
    expect(results[1]).toEqual({ checked: [], crops: [] });
  });

  it("skips an element whose image is null (a box with no pixels): null there, no error", async () => {
    const results = await runWorkflow(
      definition(
        [
          { type: "test/split@v1", name: "split", image: "$inputs.image", parts: 3, hole: 1 },
          { type: "test/describe@v1", name: "part", image: "$steps.split.crops" },
          { type: "test/split@v1", name: "again", image: "$steps.part.image", parts: 1 },
        ],
        [field("sizes", "$steps.part.text"), field("again", "$steps.again.position")],
      ),
      { image: await solidJpeg(2, 1) },
      { registry },
    );
    expect(results).toEqual([{ sizes: ["2x1", null, "4x1"], again: [[0], [], [0]] }]);
  });

  it("a failed list-making element fails that image's whole list", async () => {
    const results = await runWorkflow(
      definition(
        [
          { type: "test/split@v1", name: "split", image: "$inputs.image" },
          { type: "test/describe@v1", name: "part", image: "$steps.split.crops" },
        ],
        [field("sizes", "$steps.part.text")],
      ),
      { image: ["/missing.png", await solidJpeg(1, 1)] },
      { registry },
    );
    expect(results[0]).toMatchObject({ sizes: null, errors: [{ output: "sizes", input: "image" }] });
    expect(results[1]).toEqual({ sizes: ["1x1", "2x1"] });
  });

  it.each([
    [undefined, { width: 100, height: 50 }, 2.5, 3, "root"],
    ["parent", { width: 100, height: 50 }, 2.5, 3, "root"],
    ["own", { width: 10, height: 4 }, 2.5, 2, "crop"],
  ])("coordinates_system %s: predictions on crops in the %j frame", async (system, frame, x, y, parent) => {
    const image = await loadImage(await solidJpeg(10, 4));
    const results = await runWorkflow(
      definition(
        [
          { type: "test/split@v1", name: "split", image: "$inputs.image", parts: 1 },
          { type: "test/detect@v1", name: "detect", image: "$steps.split.crops" },
        ],
        [
          {
            ...field("boxes", "$steps.detect.predictions"),
            ...(system ? { coordinates_system: system } : {}),
          },
        ],
      ),
      { image },
      { registry },
    );
    // The crop sits at (0, 1) in a 100×50 original; the box is its left half, 5×4.
    expect(results[0]?.boxes).toEqual([
      {
        image: frame,
        predictions: [
          {
            x,
            y,
            width: 5,
            height: 4,
            confidence: 0.9,
            class: "thing",
            class_id: 0,
            detection_id: "d-1",
            parent_id: parent === "root" ? image.id : `${image.id}/0`,
          },
        ],
      },
    ]);
  });
});

describe("outputs named by the step (dynamic outputs)", () => {
  it("binds and returns outputs a step's own values name", async () => {
    const results = await runWorkflow(
      definition(
        [
          describeStep,
          { type: "test/fields@v1", name: "fields", text: "$steps.size.text", fields: ["alpha", "beta"] },
          { type: "test/join@v1", name: "join", left: "$steps.fields.beta" },
        ],
        [field("joined", "$steps.join.text"), field("all", "$steps.fields.*")],
      ),
      { image: await solidJpeg(2, 2) },
      { registry },
    );
    expect(results).toEqual([{ joined: "2x2:beta+", all: { alpha: "2x2:alpha", beta: "2x2:beta" } }]);
  });
});

describe("progress", () => {
  it("reports each step's elements and the steps finished", async () => {
    const events: StepProgress[] = [];
    await runWorkflow(
      definition([describeStep], [field("size", "$steps.size.text")]),
      { image: [await solidJpeg(1, 1), await solidJpeg(1, 1)] },
      { registry, onProgress: (event) => events.push(event) },
    );
    expect(events.at(-1)).toEqual({ step: "size", done: 2, total: 2, stepsDone: 1, stepsTotal: 1 });
  });
});
