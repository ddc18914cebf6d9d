/**
 * Qwen-VL "smart resize": the size the Qwen2-VL / Qwen2.5-VL / Qwen3-VL image processors resize an image to
 * before the vision encoder sees it. Both sides become multiples of `factor` (patch size × spatial merge
 * size) and the pixel count is kept inside `[minPixels, maxPixels]`, preserving the aspect ratio as well as
 * the grid allows. Qwen2.5-VL answers grounding prompts in absolute pixels of *this* resized image, so
 * mapping its boxes back to the original needs the exact same arithmetic.
 *
 * Source: `smart_resize` in Hugging Face transformers, `models/qwen2_vl/image_processing_qwen2_vl.py`
 * (used by Qwen2-VL, Qwen2.5-VL, Qwen3-VL and Qwen3.5), and transformers.js `image_processors_utils.js`.
 */
import { InvalidArgumentError } from "../errors.js";

/**
 * Resize factor (patch size × merge size) per model family: Qwen2.5-VL uses 14-pixel patches merged 2×2;
 * Qwen3-VL and Qwen3.5 use 16-pixel patches merged 2×2 (their `preprocessor_config.json`).
 */
export const QWEN_FAMILY_FACTORS = {
  qwen2_5_vl: 28,
  qwen3_vl: 32,
  qwen3_5: 32,
} as const;

/**
 * Our default pixel budget for native (CPU) inference. 3136 = 56·56 is the processors' own minimum;
 * 401408 = 512·28·28 caps Qwen2.5-VL at 512 visual tokens (one token per 28×28 block; 392 tokens at factor
 * 32). The hub configs allow up to 16384 tokens, which costs minutes per image on a CPU for little gain on
 * everyday photos.
 */
export const DEFAULT_PIXEL_BUDGET = { minPixels: 3136, maxPixels: 401408 } as const;

/** Longest side / shortest side above which the processors refuse an image. */
export const MAX_ASPECT_RATIO = 200;

/** Which implementation's arithmetic to reproduce. */
export type SmartResizeImplementation = "transformers" | "transformers.js";

/** Parameters of {@link smartResize}. */
export interface SmartResizeOptions {
  /** Patch size × merge size; see {@link QWEN_FAMILY_FACTORS}. */
  readonly factor: number;
  readonly minPixels: number;
  readonly maxPixels: number;
  /**
   * `"transformers"` (default) reproduces Python transformers, which vLLM and the Qwen reference code use:
   * Python's `round` (half to even). `"transformers.js"` reproduces our in-process runtime, which rounds
   * halves up (`Math.round`) and first upscales images smaller than `factor` on a side. The two differ
   * only when a side divided by `factor` ends in exactly .5 (e.g. 70 px at factor 28) or a side is below
   * `factor` (older Python transformers releases refused such images instead).
   */
  readonly implementation?: SmartResizeImplementation;
}

/** Returns the `{height, width}` a Qwen-VL image processor resizes a `height`×`width` image to. */
export function smartResize(
  height: number,
  width: number,
  options: SmartResizeOptions,
): { height: number; width: number } {
  const { factor, minPixels, maxPixels } = options;
  checkPositiveInteger("height", height);
  checkPositiveInteger("width", width);
  checkPositiveInteger("factor", factor);
  if (!(minPixels >= 0 && maxPixels >= minPixels)) {
    throw new InvalidArgumentError(
      "pixel budget",
      `needs 0 <= minPixels <= maxPixels, got minPixels=${minPixels}, maxPixels=${maxPixels}.`,
    );
  }
  const jsFlavour = options.implementation === "transformers.js";
  const round = jsFlavour ? Math.round : roundHalfEven;
  let h = height;
  let w = width;
  if (jsFlavour && (h < factor || w < factor)) {
    // transformers.js scales tiny images up so their short side reaches `factor` before anything else.
    const scale = Math.max(factor / h, factor / w);
    h = Math.round(h * scale);
    w = Math.round(w * scale);
  }
  const ratio = Math.max(h, w) / Math.min(h, w);
  if (ratio > MAX_ASPECT_RATIO) {
    throw new InvalidArgumentError(
      "image",
      `aspect ratio ${ratio.toFixed(1)} (${width}×${height}) is above ${MAX_ASPECT_RATIO}, the most Qwen-VL image processors accept; crop or pad the image first.`,
    );
  }
  let hBar = round(h / factor) * factor;
  let wBar = round(w / factor) * factor;
  if (hBar * wBar > maxPixels) {
    // Same operation order as the reference (h / beta / factor) so floating-point results agree exactly.
    const beta = Math.sqrt((h * w) / maxPixels);
    hBar = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (h * w));
    hBar = Math.ceil((h * beta) / factor) * factor;
    wBar = Math.ceil((w * beta) / factor) * factor;
  }
  return { height: hBar, width: wBar };
}

/**
 * Rounds to the nearest integer, halves to the even neighbour: Python's `round(x)` and NumPy's `np.round`,
 * which the reference implementations (and Roboflow's box rounding) use. `Math.round` rounds halves up.
 */
export function roundHalfEven(value: number): number {
  if (value < 0) return -roundHalfEven(-value); // symmetric, like NumPy (np.round(-0.3) is -0.0)
  const floor = Math.floor(value);
  const fraction = value - floor; // exact: 0 <= floor <= value < 2 * floor, or floor is 0
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function checkPositiveInteger(property: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(property, `must be a positive integer, got ${String(value)}.`);
  }
}
