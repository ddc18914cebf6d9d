/**
 * The contract between the per-model-family box readers (`*-boxes.ts`) and the detector parser: each
 * reader turns the parsed JSON into boxes in pixels of the original image, unrounded, with a label and a
 * confidence; parse.ts rounds, assigns class ids and builds `Detections`. Readers throw (a `TypeError` with
 * a message that says what was wrong) when the answer does not have their shape.
 */

/** `[x_min, y_min, x_max, y_max]`. */
export type Xyxy = readonly [number, number, number, number];

/** Width and height of an image in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** One box read from a model's answer, in pixels of the original image. */
export interface ParsedBox {
  readonly xyxy: Xyxy;
  readonly className: string;
  readonly confidence: number;
}

/** Reads a model family's answer (already JSON-parsed) into boxes for an image of the given size. */
export type BoxReader = (answer: unknown, image: ImageSize) => ParsedBox[];

/** Clamps `value` into `[low, high]` the way Python's `min(max(value, low), high)` does. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** The `index`-th entry as an object, or a `TypeError` naming it. */
export function entryObject(entry: unknown, index: number): Record<string, unknown> {
  if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
    return entry as Record<string, unknown>;
  }
  throw new TypeError(`detection ${index} must be a JSON object`);
}

/** Applies `convert` to each of four values, keeping the tuple type. */
export function mapFour<T, U>(values: readonly [T, T, T, T], convert: (value: T) => U): [U, U, U, U] {
  return [convert(values[0]), convert(values[1]), convert(values[2]), convert(values[3])];
}

/** A box given as a four-element array (Python unpacks it into four names), or a `TypeError`. */
export function fourValues(value: unknown, what: string): readonly [unknown, unknown, unknown, unknown] {
  if (!Array.isArray(value) || value.length !== 4) {
    throw new TypeError(`${what} must be an array of 4 coordinates`);
  }
  return [value[0], value[1], value[2], value[3]];
}
