/**
 * Python's defaults for Qwen-VL image processors, filled in where a model's preprocessor_config.json leaves a
 * setting out. transformers.js 4.3.1 reads a missing `do_normalize` as off and a missing `resample` as bilinear,
 * while Python's Qwen2VLImageProcessor normalizes (OpenAI CLIP mean and std) and resizes bicubic. Qwen3-VL and
 * Qwen3.5 exports omit `do_normalize` (they only give mean and std), so without this the vision encoder would
 * see pixels in [0, 1] instead of normalized ones and the model would describe a different picture.
 * Sources: transformers' image_processing_qwen2_vl.py defaults; transformers.js src/image_processors_utils.js.
 */

/** OpenAI CLIP normalization, Qwen2VLImageProcessor's default image_mean / image_std. */
export const OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
const BICUBIC = 3;

/** The image-processor settings this file fills in. */
export interface ImageProcessorSettings {
  do_normalize?: boolean;
  image_mean?: number[] | readonly number[];
  image_std?: number[] | readonly number[];
  resample?: number;
  config?: Record<string, unknown>;
}

/** Fills the settings the model's config did not give with Python's defaults. Returns what it filled. */
export function applyPythonProcessorDefaults(processor: ImageProcessorSettings): string[] {
  const given = processor.config ?? {};
  const filled: string[] = [];
  if (given.do_normalize === undefined) {
    processor.do_normalize = true;
    filled.push("do_normalize");
  }
  if (given.image_mean === undefined && given.mean === undefined) {
    processor.image_mean = [...OPENAI_CLIP_MEAN];
    filled.push("image_mean");
  }
  if (given.image_std === undefined && given.std === undefined) {
    processor.image_std = [...OPENAI_CLIP_STD];
    filled.push("image_std");
  }
  if (given.resample === undefined) {
    processor.resample = BICUBIC;
    filled.push("resample");
  }
  return filled;
}
