/**
 * What the drawing functions share: an SVG overlay composited onto the image's EXIF-oriented pixels with
 * sharp (librsvg renders it), text escaped for SVG, and checks of numeric options.
 */
import { InvalidArgumentError } from "../errors.js";
import { imageFromBytes, pixelsOf, type WorkflowImage, withDecodeErrors } from "./image.js";

/**
 * Draws `svgBody` (SVG elements in the image's pixel coordinates, as a person sees the image) over the image
 * and returns a new PNG image of the same size. The source keeps its `origin`, so a drawn crop still knows
 * where it came from.
 */
export async function composeOverlay(image: WorkflowImage, svgBody: string): Promise<WorkflowImage> {
  const { width, height } = image;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}">${svgBody}</svg>`;
  // sharp applies rotate() (EXIF orientation, in pixelsOf) before composite, so the overlay's coordinates
  // are those of the upright image; density 72 makes one SVG unit one pixel.
  const bytes = await withDecodeErrors(image, () =>
    pixelsOf(image)
      .composite([{ input: Buffer.from(svg), density: 72, top: 0, left: 0 }])
      .png()
      .toBuffer(),
  );
  return imageFromBytes(bytes, image.source, Number.MAX_SAFE_INTEGER, image.origin);
}

// Characters XML 1.0 does not allow at all (librsvg refuses the whole document if one appears).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for an SVG text node or attribute: `<dog & cat>` stays literal; characters XML forbids are dropped. */
export function escapeSvgText(text: string): string {
  return text
    .replace(XML_FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A number for an SVG attribute: at most two decimals, no exponent. */
export function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** An integer option at or above `minimum`, or its default. Names the block property when it is not. */
export function integerOption(
  value: number | undefined,
  fallback: number,
  property: string,
  minimum: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new InvalidArgumentError(property, `must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}

/** A finite number option within [minimum, maximum] (above `minimum` when `exclusiveMinimum`), or its default. */
export function numberOption(
  value: number | undefined,
  fallback: number,
  property: string,
  range: { minimum: number; maximum?: number; exclusiveMinimum?: boolean },
): number {
  if (value === undefined) return fallback;
  const { minimum, maximum = Number.POSITIVE_INFINITY, exclusiveMinimum = false } = range;
  const belowMinimum = exclusiveMinimum ? value <= minimum : value < minimum;
  if (!Number.isFinite(value) || belowMinimum || value > maximum) {
    const lower = `${exclusiveMinimum ? ">" : "≥"} ${minimum}`;
    const bounds = Number.isFinite(maximum) ? `${lower} and ≤ ${maximum}` : lower;
    throw new InvalidArgumentError(property, `must be a number ${bounds}, got ${value}`);
  }
  return value;
}
