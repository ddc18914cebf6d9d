/**
 * accuracy-level.ts rewrites MatMulNBits' `accuracy_level` in a real ONNX graph: the attribute is added
 * where a q4 export left it out, replaced where it says otherwise, and the patched model still loads and
 * computes the same product in onnxruntime-node (up to the int8 rounding of the activations).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyAccuracyLevelToFile,
  readMatMulNBitsAccuracyLevels,
  setMatMulNBitsAccuracyLevel,
} from "../../src/backends/native/accuracy-level.js";
import { K, tinyQ4Model } from "../support/q4-graph.js";

async function run(model: Uint8Array): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"] });
  const input = Float32Array.from({ length: 2 * K }, (_, index) => Math.sin(index * 0.7));
  const outputs = await session.run({ a: new ort.Tensor("float32", input, [2, K]) });
  await session.release();
  return [outputs.y_unset?.data as Float32Array, outputs.y_zero?.data as Float32Array];
}

describe("MatMulNBits accuracy_level", () => {
  const original = tinyQ4Model();
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "accuracy-level-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("reads the attribute of each MatMulNBits node, undefined where the export left it out", () => {
    expect(readMatMulNBitsAccuracyLevels(original)).toEqual([undefined, 0]);
  });

  it("adds or replaces the attribute on every node, and leaves an already patched model alone", () => {
    const patched = setMatMulNBitsAccuracyLevel(original, 4);
    expect(patched.matMulNBitsNodes).toBe(2);
    expect(patched.changed).toBe(2);
    expect(readMatMulNBitsAccuracyLevels(patched.model)).toEqual([4, 4]);
    expect(readMatMulNBitsAccuracyLevels(original)).toEqual([undefined, 0]);
    const again = setMatMulNBitsAccuracyLevel(patched.model, 4);
    expect(again.changed).toBe(0);
    expect(again.model).toBe(patched.model);
  });

  it("keeps a model that onnxruntime loads and that computes the same product within int8 rounding", async () => {
    const [reference = new Float32Array(), referenceZero = new Float32Array()] = await run(original);
    const [fast = new Float32Array(), fastZero = new Float32Array()] = await run(
      setMatMulNBitsAccuracyLevel(original, 4).model,
    );
    expect(referenceZero).toEqual(reference);
    // The int8 kernel rounds the activations, so the results move a little: proof the level reached MLAS
    // (which has int8 kernels for AVX2, AVX512 and ARM NEON; elsewhere it falls back to level 0).
    expect(fast).not.toEqual(reference);
    const scale = Math.max(...reference.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (const [index, value] of reference.entries()) {
      expect(Math.abs((fast[index] ?? Number.NaN) - value)).toBeLessThan(0.02 * scale);
      expect(fastZero[index]).toBe(fast[index]);
    }
  });

  it("patches a file in place once, then finds nothing to do", async () => {
    const file = path.join(folder, "decoder_model_merged_q4.onnx");
    await writeFile(file, original);
    expect(await applyAccuracyLevelToFile(file)).toEqual({ matMulNBitsNodes: 2, changed: 2 });
    expect(readMatMulNBitsAccuracyLevels(new Uint8Array(await readFile(file)))).toEqual([4, 4]);
    expect(await applyAccuracyLevelToFile(file)).toEqual({ matMulNBitsNodes: 2, changed: 0 });
  });

  it("rejects levels onnxruntime does not define", () => {
    expect(() => setMatMulNBitsAccuracyLevel(original, 5)).toThrow(/0 to 4/);
  });
});
