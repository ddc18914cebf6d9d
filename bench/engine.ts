/**
 * Engine overhead: a 6-step workflow over 100 images with instant blocks (so all time measured is the
 * engine's: input preparation, scheduling, per-element checks, result assembly and serialization), and
 * the compile time of a 50-step definition. Run with `npx tsx bench/engine.ts`.
 */
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { z } from "zod";
import type { Block } from "../src/blocks/block.js";
import { compileWorkflow } from "../src/engine/compile.js";
import { executeWorkflow } from "../src/engine/execute.js";
import { serializeWorkflowResults } from "../src/engine/results.js";
import { isWorkflowImage, loadImage, type WorkflowImage } from "../src/vision/image.js";

const IMAGES = 100;
const RUNS = 50;
const COMPILES = 200;

const imageSchema = z.custom<WorkflowImage>(isWorkflowImage);
const sizeBlock: Block = {
  manifest: {
    type: "bench/size@v1",
    title: "Size",
    description: "Image size as text.",
    properties: {
      image: { schema: imageSchema, selectorKinds: ["image"], batch: true, description: "image" },
    },
    outputs: [
      { name: "text", kinds: ["string"] },
      { name: "image", kinds: ["image"] },
    ],
  },
  async run(batch) {
    return batch.map((params) => {
      const image = params.image as WorkflowImage;
      return { text: `${image.width}x${image.height}`, image };
    });
  },
};
const joinBlock: Block = {
  manifest: {
    type: "bench/join@v1",
    title: "Join",
    description: "Joins two texts.",
    properties: {
      left: { schema: z.string(), selectorKinds: ["string"], batch: true, description: "left" },
      right: { schema: z.string().default(""), selectorKinds: ["string"], description: "right" },
    },
    outputs: [{ name: "text", kinds: ["string"] }],
  },
  async run(batch) {
    return batch.map((params) => ({ text: `${params.left}+${params.right}` }));
  },
};
const registry = new Map([sizeBlock, joinBlock].map((block) => [block.manifest.type, block]));

/** Six steps in a diamond: two branches from the first step, joined, plus a second image step. */
const SIX_STEPS = {
  version: "1.0",
  inputs: [
    { type: "WorkflowImage", name: "image" },
    { type: "WorkflowParameter", name: "word", default_value: "w" },
  ],
  steps: [
    { type: "bench/size@v1", name: "s1", image: "$inputs.image" },
    { type: "bench/join@v1", name: "s2", left: "$steps.s1.text", right: "$inputs.word" },
    { type: "bench/join@v1", name: "s3", left: "$steps.s1.text", right: "x" },
    { type: "bench/join@v1", name: "s4", left: "$steps.s2.text", right: "$steps.s3.text" },
    { type: "bench/size@v1", name: "s5", image: "$steps.s1.image" },
    { type: "bench/join@v1", name: "s6", left: "$steps.s4.text", right: "$steps.s5.text" },
  ],
  outputs: [
    { type: "JsonField", name: "text", selector: "$steps.s6.text" },
    { type: "JsonField", name: "branch", selector: "$steps.s3.text" },
  ],
};

/** A chain of 50 steps, each reading the previous one. */
const FIFTY_STEPS = {
  version: "1.0",
  inputs: [{ type: "WorkflowImage", name: "image" }],
  steps: [
    { type: "bench/size@v1", name: "step0", image: "$inputs.image" },
    ...Array.from({ length: 49 }, (_, index) => ({
      type: "bench/join@v1",
      name: `step${index + 1}`,
      left: `$steps.step${index}.text`,
      right: "-",
    })),
  ],
  outputs: [{ type: "JsonField", name: "text", selector: "$steps.step49.text" }],
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "red" } })
    .jpeg()
    .toBuffer();
  // Loaded once: image decoding is not the engine's overhead.
  const image = await loadImage(jpeg);
  const images = Array.from({ length: IMAGES }, () => image);
  const workflow = compileWorkflow(SIX_STEPS, { registry });

  const runs: number[] = [];
  for (let run = 0; run < RUNS + 5; run++) {
    const started = performance.now();
    const results = serializeWorkflowResults(await executeWorkflow(workflow, { image: images }, { env: {} }));
    const elapsed = performance.now() - started;
    if (results.length !== IMAGES || results[0]?.text !== "64x48+w+64x48+x+64x48")
      throw new Error("wrong result");
    if (run >= 5) runs.push(elapsed); // the first runs warm up the JIT
  }
  const perRun = median(runs);
  const perImage = (perRun * 1000) / IMAGES;

  const compiles: number[] = [];
  for (let run = 0; run < COMPILES + 20; run++) {
    const started = performance.now();
    compileWorkflow(FIFTY_STEPS, { registry });
    if (run >= 20) compiles.push(performance.now() - started);
  }

  console.log(`6-step workflow, ${IMAGES} images, instant blocks (median of ${RUNS} runs):`);
  console.log(`  ${perRun.toFixed(2)} ms per run`);
  console.log(
    `  ${perImage.toFixed(1)} µs engine overhead per image (${(perImage / 6).toFixed(1)} µs per image per step)`,
  );
  console.log(`50-step definition (median of ${COMPILES} compilations):`);
  console.log(`  ${median(compiles).toFixed(2)} ms to compile`);
}

await main();
