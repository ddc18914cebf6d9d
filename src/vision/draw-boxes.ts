/**
 * Box outlines around detections: what `roboflow_core/bounding_box_visualization@v1` draws. That block draws
 * with supervision's `BoxAnnotator`, or `RoundBoxAnnotator` when `roundness` > 0; we draw the same shapes as
 * an SVG overlay.
 */
import type { Detections } from "./detections.js";
import { composeOverlay, integerOption, numberOption, svgNumber } from "./draw-overlay.js";
import type { WorkflowImage } from "./image.js";
import { type ColorOptions, checkColorAxis, colorFor, resolvePalette, toHex } from "./palette.js";

/** Options of {@link drawBoxes}, named after the block's properties (camelCase). */
export interface BoxDrawOptions extends ColorOptions {
  /** `thickness`: outline width in pixels, an integer ≥ 1. Default 2. */
  readonly thickness?: number;
  /** `roundness`: 0 (default) for square corners, up to 1 for corners as round as the box's shorter side allows. */
  readonly roundness?: number;
}

/** The block's defaults (inference's `BoundingBoxManifest` and `ColorableVisualizationManifest`). */
export const BOX_DRAW_DEFAULTS = {
  colorPalette: "DEFAULT",
  customColors: [],
  colorAxis: "CLASS",
  thickness: 2,
  roundness: 0,
} as const satisfies Required<BoxDrawOptions>;

/** Draws each detection's box outline in its palette colour; returns a new PNG image of the same size. */
export async function drawBoxes(
  image: WorkflowImage,
  detections: Detections,
  options: BoxDrawOptions = {},
): Promise<WorkflowImage> {
  const thickness = integerOption(options.thickness, BOX_DRAW_DEFAULTS.thickness, "thickness", 1);
  const roundness = numberOption(options.roundness, BOX_DRAW_DEFAULTS.roundness, "roundness", {
    minimum: 0,
    maximum: 1,
  });
  const axis = checkColorAxis(options.colorAxis ?? BOX_DRAW_DEFAULTS.colorAxis);
  const palette = resolvePalette(options);
  const shapes = detections.items.map((detection, index) => {
    const color = toHex(colorFor(palette, detection, index, axis));
    return boxOutline(detection, thickness, roundness, color);
  });
  return composeOverlay(image, shapes.join(""));
}

function boxOutline(
  box: { xMin: number; yMin: number; xMax: number; yMax: number },
  thickness: number,
  roundness: number,
  color: string,
): string {
  if (![box.xMin, box.yMin, box.xMax, box.yMax].every(Number.isFinite)) return "";
  // supervision truncates corners to whole pixels (`xyxy.astype(int)`) and strokes centred on them.
  const left = Math.trunc(Math.min(box.xMin, box.xMax));
  const top = Math.trunc(Math.min(box.yMin, box.yMax));
  const width = Math.trunc(Math.max(box.xMin, box.xMax)) - left;
  const height = Math.trunc(Math.max(box.yMin, box.yMax)) - top;
  // An odd stroke centred on a pixel edge would half-cover two pixels; centring it on the pixel keeps it sharp.
  const shift = thickness % 2 === 1 ? 0.5 : 0;
  // RoundBoxAnnotator's corner radius: half the shorter side, times roundness, in whole pixels.
  const radius = Math.trunc(Math.floor(Math.min(width, height) / 2) * roundness);
  const corners = radius > 0 ? ` rx="${radius}" ry="${radius}"` : ' shape-rendering="crispEdges"';
  return (
    `<rect x="${svgNumber(left + shift)}" y="${svgNumber(top + shift)}" ` +
    `width="${width}" height="${height}"${corners} ` +
    `fill="none" stroke="${color}" stroke-width="${thickness}"/>`
  );
}
