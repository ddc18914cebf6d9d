/**
 * Timings of single sessions, for bench/native.ts: decoder variants compared step by step in one process
 * (so that whatever else the shared machine runs slows them alike), and the vision encoder alone.
 */
import { createReadStream } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { setMatMulNBitsAccuracyLevel } from "../../src/backends/native/accuracy-level.js";
import { emptyCaches, pastName } from "./raw-generate.js";

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** One decoder to time: a label, its .onnx file and session options. */
export interface DecoderVariant {
  label: string;
  file: string;
  options?: ort.InferenceSession.SessionOptions;
}

/**
 * Prefills each decoder with `promptLength` random embeddings, then runs `steps` single-token steps taking
 * turns, and returns the median milliseconds per step of each, by label.
 */
export async function compareDecoderSteps(
  variants: readonly DecoderVariant[],
  hidden: number,
  promptLength: number,
  steps: number,
): Promise<Record<string, number>> {
  interface DecoderState {
    variant: DecoderVariant;
    session: ort.InferenceSession;
    caches: Record<string, ort.Tensor>;
    length: number;
    times: number[];
  }
  const states: DecoderState[] = [];
  for (const variant of variants) {
    const session = await ort.InferenceSession.create(variant.file, {
      executionProviders: ["cpu"],
      ...variant.options,
    });
    states.push({ variant, session, caches: emptyCaches(session), length: 0, times: [] });
  }
  const run = async (state: DecoderState, tokens: number) => {
    state.length += tokens;
    const outputs = await state.session.run({
      inputs_embeds: new ort.Tensor("float32", new Float32Array(tokens * hidden).fill(0.01), [
        1,
        tokens,
        hidden,
      ]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(state.length).fill(1n), [1, state.length]),
      position_ids: new ort.Tensor("int64", new BigInt64Array(3 * tokens).fill(BigInt(state.length)), [
        3,
        1,
        tokens,
      ]),
      num_logits_to_keep: new ort.Tensor("int64", BigInt64Array.of(1n), []),
      ...state.caches,
    });
    state.caches = {};
    for (const [name, tensor] of Object.entries(outputs))
      if (name !== "logits") state.caches[pastName(name)] = tensor;
  };
  for (const state of states) await run(state, promptLength);
  for (let step = 0; step < steps; step++) {
    for (const state of states) {
      const started = performance.now();
      await run(state, 1);
      state.times.push(performance.now() - started);
    }
  }
  await Promise.all(states.map((state) => state.session.release()));
  return Object.fromEntries(states.map((state) => [state.variant.label, median(state.times.slice(2))]));
}

/** Median milliseconds of `repeats` runs of one session on `feeds`, after a warm-up run. */
export async function timeSession(
  file: string,
  feeds: Record<string, ort.Tensor>,
  repeats: number,
): Promise<number> {
  const session = await ort.InferenceSession.create(file, { executionProviders: ["cpu"] });
  await session.run(feeds);
  const times = [];
  for (let run = 0; run < repeats; run++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  return median(times);
}

/**
 * A copy of a stand-in folder whose .onnx graphs say accuracy_level `level` (what the model store would do
 * after a download); the other files are hard links. Not symlinks: onnxruntime 1.30 refuses external data
 * whose resolved path leaves the model's folder ("External data path escapes model directory").
 */
export async function accuracyLevelCopy(folder: string, level: number): Promise<string> {
  const copy = `${folder}-accuracy-level-${level}`;
  const stamp = await readFile(path.join(folder, ".stand-in-version"), "utf8");
  if ((await readFile(path.join(copy, ".stand-in-version"), "utf8").catch(() => "")) === stamp) return copy;
  for (const sub of ["", "onnx"]) {
    await mkdir(path.join(copy, sub), { recursive: true });
    for (const entry of await readdir(path.join(folder, sub), { withFileTypes: true })) {
      if (!entry.isFile() || entry.name === ".stand-in-version") continue;
      const from = path.join(folder, sub, entry.name);
      const to = path.join(copy, sub, entry.name);
      await rm(to, { force: true });
      if (entry.name.endsWith(".onnx"))
        await writeFile(to, setMatMulNBitsAccuracyLevel(new Uint8Array(await readFile(from)), level).model);
      else await link(from, to).catch(() => copyFile(from, to));
    }
  }
  await writeFile(path.join(copy, ".stand-in-version"), stamp);
  return copy;
}

/** Reads a folder's ONNX files once, so that no measurement pays for the disk. */
export async function warmPageCache(folder: string): Promise<void> {
  for (const name of await readdir(path.join(folder, "onnx")))
    for await (const _ of createReadStream(path.join(folder, "onnx", name), { highWaterMark: 8 << 20 })) {
      // reading is the point
    }
}
