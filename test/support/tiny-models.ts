import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateTinyModel,
  TINY_MODEL_GENERATOR_VERSION,
  type TinyModelFamily,
} from "../../tools/tiny-models/generate.js";

export type { TinyModelFamily } from "../../tools/tiny-models/generate.js";
export { TINY_MODEL_FAMILIES } from "../../tools/tiny-models/generate.js";

/** Where generated tiny models live between test runs (git-ignored). */
export const TINY_MODELS_ROOT = fileURLToPath(new URL("../.fixtures/tiny-models/", import.meta.url));

const STAMP_FILE = ".generator-version";

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, STAMP_FILE), "utf8")).trim();
  } catch {
    return undefined;
  }
}

/**
 * The folder of the tiny `family` model, generated once into test/.fixtures/tiny-models/<family> and
 * regenerated when the generator's version changes. The model is written to a staging folder and renamed
 * into place, so a reader never sees a half-written model.
 */
export async function tinyModelDir(family: TinyModelFamily): Promise<string> {
  const dir = path.join(TINY_MODELS_ROOT, family);
  const version = String(TINY_MODEL_GENERATOR_VERSION);
  if ((await readStamp(dir)) === version) return dir;

  const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
  await generateTinyModel(family, staging);
  await writeFile(path.join(staging, STAMP_FILE), `${version}\n`);
  // Another test process (vitest runs in this repository may overlap) may have finished the same work
  // meanwhile: keep its copy rather than replace it. Renaming onto a non-empty folder fails, which is how
  // the loser of a simultaneous finish finds out.
  const keepTheirs = async () => {
    await rm(staging, { recursive: true, force: true });
    return dir;
  };
  if ((await readStamp(dir)) === version) return keepTheirs();
  await rm(dir, { recursive: true, force: true });
  try {
    await rename(staging, dir);
  } catch (error) {
    if ((await readStamp(dir)) === version) return keepTheirs();
    throw error;
  }
  return dir;
}
