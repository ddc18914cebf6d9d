/** When steps run: as soon as what they read is ready, independent ones together, never more than the limit. */
import { describe, expect, it } from "vitest";
import { runWorkflow } from "../../src/api/run-workflow.js";
import { solidJpeg } from "../support/images.js";
import { slowBlock, testRegistry } from "./test-blocks.js";

function independentSteps(count: number) {
  return {
    inputs: [{ type: "WorkflowImage", name: "image" }],
    steps: Array.from({ length: count }, (_, index) => ({
      type: "test/slow@v1",
      name: `s${index}`,
      image: "$inputs.image",
      label: `s${index}`,
    })),
    outputs: Array.from({ length: count }, (_, index) => ({
      type: "JsonField",
      name: `s${index}`,
      selector: `$steps.s${index}.text`,
    })),
  };
}

describe("scheduling", () => {
  it.each([
    [1, 1],
    [2, 2],
    [8, 5],
  ])("with a limit of %i steps, %i of 5 independent steps run at once", async (limit, expected) => {
    const tracker = { running: 0, max: 0, log: [] as string[] };
    const results = await runWorkflow(
      independentSteps(5),
      { image: await solidJpeg(2, 2) },
      { registry: testRegistry(slowBlock(tracker)), maxConcurrentSteps: limit },
    );
    expect(tracker.max).toBe(expected);
    expect(results).toEqual([{ s0: "s0", s1: "s1", s2: "s2", s3: "s3", s4: "s4" }]);
  });

  it("reads the limit from WORKFLOWS_MAX_CONCURRENT_STEPS", async () => {
    const tracker = { running: 0, max: 0, log: [] as string[] };
    await runWorkflow(
      independentSteps(4),
      { image: await solidJpeg(2, 2) },
      { registry: testRegistry(slowBlock(tracker)), env: { WORKFLOWS_MAX_CONCURRENT_STEPS: "3" } },
    );
    expect(tracker.max).toBe(3);
  });

  it("starts a step as soon as the steps it reads are done, while slower independent steps still run", async () => {
    const tracker = { running: 0, max: 0, log: [] as string[] };
    const fast = slowBlock(tracker, 5);
    const slow = { ...slowBlock(tracker, 150), manifest: { ...fast.manifest, type: "test/slower@v1" } };
    const definition = {
      inputs: [{ type: "WorkflowImage", name: "image" }],
      steps: [
        { type: "test/slower@v1", name: "long", image: "$inputs.image", label: "long" },
        { type: "test/slow@v1", name: "first", image: "$inputs.image", label: "first" },
        {
          type: "test/slow@v1",
          name: "second",
          image: "$inputs.image",
          label: "second",
          after: "$steps.first.text",
        },
      ],
      outputs: [{ type: "JsonField", name: "second", selector: "$steps.second.text" }],
    };
    await runWorkflow(definition, { image: await solidJpeg(2, 2) }, { registry: testRegistry(fast, slow) });
    expect(tracker.log.indexOf("start second")).toBeGreaterThan(tracker.log.indexOf("end first"));
    expect(tracker.log.indexOf("end second")).toBeLessThan(tracker.log.indexOf("end long"));
  });

  it("refuses a limit below 1", async () => {
    await expect(
      runWorkflow(
        independentSteps(1),
        { image: await solidJpeg(2, 2) },
        {
          registry: testRegistry(slowBlock({ running: 0, max: 0, log: [] })),
          maxConcurrentSteps: 0,
        },
      ),
    ).rejects.toThrow(/maxConcurrentSteps: must be an integer ≥ 1/);
  });

  it("stops starting steps once aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped by the caller"));
    await expect(
      runWorkflow(
        independentSteps(1),
        { image: await solidJpeg(2, 2) },
        {
          registry: testRegistry(slowBlock({ running: 0, max: 0, log: [] })),
          signal: controller.signal,
        },
      ),
    ).rejects.toThrow(/stopped by the caller/);
  });
});
