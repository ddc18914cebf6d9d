import { TINY_MODEL_FAMILIES, tinyModelDir } from "./support/tiny-models.js";

/** Runs once before the test files: builds the fixtures they share (see test/support). */
export default async function setup(): Promise<void> {
  // Tiny random-weight Qwen-VL models for the native runtime tests; a no-op once generated.
  for (const family of TINY_MODEL_FAMILIES) await tinyModelDir(family);
}
