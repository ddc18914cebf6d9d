/**
 * Small blocks for engine tests: instant, deterministic, each exercising one engine feature (lists per
 * image, per-element failures, concurrency, detections). Tests pass them through a registry option, so the
 * global registry stays as users see it.
 */
import { z } from "zod";
import type { Block } from "../../src/blocks/block.js";
import { BLOCK_REGISTRY } from "../../src/blocks/registry.js";
import type { CompileOptions } from "../../src/engine/compile.js";
import { makeDetection } from "../../src/vision/detections.js";
import { isWorkflowImage, type WorkflowImage } from "../../src/vision/image.js";

const image = z.custom<WorkflowImage>(isWorkflowImage, { message: "expected an image" });

/** `test/describe@v1`: "<width>x<height>" of each image, plus a text passed through. */
export const describeBlock: Block = {
  manifest: {
    type: "test/describe@v1",
    title: "Describe",
    description: "Size of each image.",
    properties: {
      image: {
        schema: image,
        selectorKinds: ["image"],
        batch: true,
        aliases: ["images"],
        description: "image",
      },
      suffix: { schema: z.string().default(""), selectorKinds: ["string"], description: "appended" },
    },
    outputs: [
      { name: "text", kinds: ["string", "language_model_output"] },
      { name: "image", kinds: ["image"] },
    ],
  },
  async run(batch) {
    return batch.map((params) => {
      const picture = params.image as WorkflowImage;
      return { text: `${picture.width}x${picture.height}${params.suffix}`, image: picture };
    });
  },
};

/** `test/split@v1`: each image becomes `parts` images (a list per image, like crops). Outputs as lists. */
export const splitBlock: Block = {
  manifest: {
    type: "test/split@v1",
    title: "Split",
    description: "Copies of each image.",
    properties: {
      image: { schema: image, selectorKinds: ["image"], batch: true, description: "image" },
      parts: {
        schema: z.number().int().min(0).default(2),
        selectorKinds: ["integer"],
        description: "how many",
      },
      hole: {
        schema: z.number().int().optional(),
        description: "position whose crop is null (an empty box)",
      },
    },
    outputs: [
      { name: "crops", kinds: ["image"] },
      { name: "position", kinds: ["integer"] },
    ],
    outputDimensionalityOffset: 1,
  },
  async run(batch) {
    return batch.map((params) => {
      const parts = params.parts as number;
      const picture = params.image as WorkflowImage;
      const crops = Array.from({ length: parts }, (_, index) =>
        index === params.hole
          ? null
          : {
              ...picture,
              id: `${picture.id}/${index}`,
              width: picture.width + index,
              origin: { parentId: picture.id, x: 3 * index, y: 1, parentWidth: 100, parentHeight: 50 },
            },
      );
      return { crops, position: crops.map((_, index) => index) };
    });
  },
};

/** `test/split_records@v1`: like split, but returns Roboflow's shape, a list of output records per image. */
export const splitRecordsBlock: Block = {
  manifest: { ...splitBlock.manifest, type: "test/split_records@v1" },
  async run(batch, context) {
    const results = await splitBlock.run(batch, context);
    return results.map((result) => {
      const { crops, position } = result as { crops: Array<WorkflowImage | null>; position: number[] };
      return crops.map((crop, index) => ({ crops: crop, position: position[index] })) as never;
    });
  },
};

/** `test/fail_if@v1`: fails the elements whose `text` contains `when`; otherwise passes the text through. */
export const failIfBlock: Block = {
  manifest: {
    type: "test/fail_if@v1",
    title: "Fail if",
    description: "Fails some elements.",
    properties: {
      text: { schema: z.string(), selectorKinds: ["string"], batch: true, description: "text" },
      when: { schema: z.string(), description: "substring that makes an element fail" },
      throw_all: { schema: z.boolean().default(false), description: "throw instead (fails every element)" },
    },
    outputs: [{ name: "text", kinds: ["string"] }],
  },
  async run(batch) {
    if (batch.some((params) => params.throw_all)) throw new Error("the whole batch broke");
    return batch.map((params) =>
      String(params.text).includes(String(params.when))
        ? new Error(`text "${String(params.text)}" contains "${String(params.when)}"`)
        : { text: params.text },
    );
  },
};

/** `test/join@v1`: joins two texts (either may be for the whole run or per element). */
export const joinBlock: Block = {
  manifest: {
    type: "test/join@v1",
    title: "Join",
    description: "Joins texts.",
    properties: {
      left: { schema: z.string(), selectorKinds: ["string"], batch: true, description: "left" },
      right: { schema: z.string().default(""), selectorKinds: ["string", "*"], description: "right" },
    },
    outputs: [{ name: "text", kinds: ["string"] }],
  },
  async run(batch) {
    return batch.map((params) => ({ text: `${params.left}+${params.right}` }));
  },
};

/** `test/detect@v1`: one detection covering the left half of each image. */
export const detectBlock: Block = {
  manifest: {
    type: "test/detect@v1",
    title: "Detect",
    description: "A box per image.",
    properties: { image: { schema: image, selectorKinds: ["image"], batch: true, description: "image" } },
    outputs: [{ name: "predictions", kinds: ["object_detection_prediction"] }],
  },
  async run(batch) {
    return batch.map((params) => {
      const picture = params.image as WorkflowImage;
      const box = { xMin: 0, yMin: 0, xMax: picture.width / 2, yMax: picture.height, confidence: 0.9 };
      return {
        predictions: {
          image: { width: picture.width, height: picture.height },
          parentId: picture.id,
          items: [makeDetection({ ...box, classId: 0, className: "thing", detectionId: "d-1" })],
          ...(picture.origin ? { origin: picture.origin } : {}),
        },
      };
    });
  },
};

// Not annotated as a manifest literal: `dynamicOutputs` is checked structurally, wherever the contract declares it.
const fieldsManifest = {
  type: "test/fields@v1",
  title: "Fields",
  description: "One output per field named in the step (like json_parser).",
  properties: {
    text: { schema: z.string(), selectorKinds: ["string"] as const, batch: true, description: "text" },
    fields: { schema: z.array(z.string()).min(1), description: "output names" },
  },
  outputs: [{ name: "*", kinds: ["string"] as const }],
  dynamicOutputs: (values: Readonly<Record<string, unknown>>) =>
    (values.fields as string[]).map((name) => ({ name, kinds: ["string"] as const })),
};

/** `test/fields@v1`: outputs named by the step's `fields` ("<text>:<field>" each), like json_parser. */
export const fieldsBlock: Block = {
  manifest: fieldsManifest,
  async run(batch) {
    return batch.map((params) =>
      Object.fromEntries((params.fields as string[]).map((field) => [field, `${params.text}:${field}`])),
    );
  },
};

/** A block that waits `ms` and records how many of its kind run at once (see `tracker`). */
export function slowBlock(tracker: { running: number; max: number; log: string[] }, ms = 30): Block {
  return {
    manifest: {
      type: "test/slow@v1",
      title: "Slow",
      description: "Waits.",
      properties: {
        image: { schema: image, selectorKinds: ["image"], batch: true, description: "image" },
        label: { schema: z.string(), description: "name in the log" },
        after: { schema: z.string().optional(), selectorKinds: ["string"], description: "ordering only" },
      },
      outputs: [{ name: "text", kinds: ["string"] }],
    },
    async run(batch) {
      const label = String(batch[0]?.label);
      tracker.running += 1;
      tracker.max = Math.max(tracker.max, tracker.running);
      tracker.log.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      tracker.log.push(`end ${label}`);
      tracker.running -= 1;
      return batch.map(() => ({ text: label }));
    },
  };
}

/** Blocks tests may use by type identifier, with the built-in blocks. */
export function testRegistry(...extra: Block[]): NonNullable<CompileOptions["registry"]> {
  const blocks = [
    describeBlock,
    splitBlock,
    splitRecordsBlock,
    failIfBlock,
    joinBlock,
    detectBlock,
    fieldsBlock,
    ...extra,
  ];
  return new Map([...BLOCK_REGISTRY, ...blocks.map((block) => [block.manifest.type, block] as const)]);
}
