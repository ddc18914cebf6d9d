/**
 * Label text as SVG, and its measurement: the text is rendered once by librsvg (the renderer that draws it) and
 * its ink measured, so label backgrounds fit whatever font fontconfig finds on the machine.
 */
import sharp from "sharp";
import { escapeSvgText, svgNumber } from "./draw-overlay.js";

// OpenCV's FONT_HERSHEY_SIMPLEX, which supervision writes labels with, is about 22 px from baseline to the top of
// a capital at scale 1; DejaVu Sans capitals are 0.73 em tall, so 30 px per unit of scale gives labels of the
// same size. Another font is measured (below), so only its size, not the layout, depends on this.
export const FONT_SIZE_PER_TEXT_SCALE = 30;

// DejaVu Sans first: Debian's fontconfig-config depends on fonts-dejavu-core before any other font package, so
// a machine with fontconfig most often has it; then other common sans fonts, then whatever fontconfig offers.
const FONT_FAMILY = "'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** How label text is set: size in pixels, weight, and an outline in pixels (0 for none). */
export interface TextStyle {
  readonly fontSize: number;
  readonly bold: boolean;
  readonly outline: number;
}

/** An SVG `<text>` element with its baseline at (x, baseline); the text is escaped. */
export function textElement(
  text: string,
  x: number,
  baseline: number,
  style: TextStyle,
  color: string,
): string {
  const outline =
    style.outline > 0
      ? ` stroke="${color}" stroke-width="${svgNumber(style.outline)}" stroke-linejoin="round"`
      : "";
  return (
    `<text x="${svgNumber(x)}" y="${svgNumber(baseline)}" font-family="${FONT_FAMILY}" ` +
    `font-size="${svgNumber(style.fontSize)}" font-weight="${style.bold ? "bold" : "normal"}" ` +
    `fill="${color}"${outline} xml:space="preserve">${escapeSvgText(text)}</text>`
  );
}

/** Measured text: cap height, and the ink extent of each line. */
export interface TextMetrics {
  /** Pixels from the baseline to the top of a capital H: the text height the layout uses, as OpenCV's does. */
  readonly capHeight: number;
  /** For each line: where its ink starts right of the text's x, and how wide the ink is. */
  readonly lines: ReadonlyMap<string, { left: number; width: number }>;
}

// Text is measured at no more than this size and scaled up: a 200-character line at 64 px stays well inside
// cairo's 32767-pixel limit on a surface's side.
const MEASURE_MAX_FONT_SIZE = 64;

/** Longest line a label shows; longer lines end in "…" (a label wider than any image helps nobody). */
export const MAX_LINE_CHARACTERS = 200;

/** Shortens a line to {@link MAX_LINE_CHARACTERS} characters. */
export function truncateLine(line: string): string {
  const characters = [...line];
  return characters.length <= MAX_LINE_CHARACTERS
    ? line
    : `${characters.slice(0, MAX_LINE_CHARACTERS - 1).join("")}…`;
}

/**
 * Measures text by rendering it with librsvg, the renderer that draws it: one row per distinct line on a
 * transparent canvas, then the extent of the ink (alpha) in each row. Whatever font fontconfig picks, the
 * backgrounds fit it.
 */
export async function measureText(lines: readonly string[], style: TextStyle): Promise<TextMetrics> {
  const factor = Math.min(1, MEASURE_MAX_FONT_SIZE / style.fontSize);
  const measuring: TextStyle = {
    ...style,
    fontSize: style.fontSize * factor,
    outline: style.outline * factor,
  };
  const distinct = ["H", ...new Set(lines)];
  const margin = Math.ceil(measuring.fontSize + measuring.outline);
  const rowHeight = Math.ceil(2 * measuring.fontSize + 2 * measuring.outline);
  const baselineInRow = Math.ceil(1.3 * measuring.fontSize + measuring.outline);
  // Generous: the widest glyphs (W, CJK) are about one em wide.
  const longest = Math.max(...distinct.map((line) => [...line].length));
  const width = Math.ceil(2 * margin + 1.3 * measuring.fontSize * longest);
  const height = rowHeight * distinct.length;
  const body = distinct
    .map((line, row) => textElement(line, margin, row * rowHeight + baselineInRow, measuring, "#000000"))
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { density: 72, limitInputPixels: false })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  const extents = distinct.map((_, row) =>
    inkExtent(data, info.width, info.channels, row * rowHeight, rowHeight),
  );
  const capTop = extents[0]?.top;
  const capHeight = capTop === undefined ? 0.73 * measuring.fontSize : baselineInRow - capTop;
  const measured = new Map<string, { left: number; width: number }>();
  distinct.forEach((line, row) => {
    const extent = extents[row];
    measured.set(
      line,
      extent
        ? {
            left: (extent.left - margin) / factor,
            width: Math.ceil((extent.right - extent.left + 1) / factor),
          }
        : { left: 0, width: 0 },
    );
  });
  return { capHeight: Math.round(capHeight / factor), lines: measured };
}

// Ink is any pixel at least a quarter opaque: antialiasing fringes fainter than that do not need background.
const INK_ALPHA = 64;

function inkExtent(
  data: Buffer,
  width: number,
  channels: number,
  rowTop: number,
  rowHeight: number,
): { left: number; right: number; top: number } | undefined {
  let left = Number.POSITIVE_INFINITY;
  let right = -1;
  let top: number | undefined;
  for (let y = 0; y < rowHeight; y++) {
    const rowStart = (rowTop + y) * width * channels;
    for (let x = 0; x < width; x++) {
      if ((data[rowStart + x * channels + channels - 1] ?? 0) < INK_ALPHA) continue;
      top ??= y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  return top === undefined ? undefined : { left, right, top };
}
