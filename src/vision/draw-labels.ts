/**
 * Text labels on detections: what `roboflow_core/label_visualization@v1` draws with supervision's
 * `LabelAnnotator` — a filled background in the detection's palette colour, anchored to its box, with the text
 * inside. We draw it as an SVG overlay; text is measured by rendering it with the same renderer first, so the
 * background fits whatever font the machine has.
 */
import { InvalidArgumentError } from "../errors.js";
import type { Detection, Detections } from "./detections.js";
import { LABEL_TEXTS, type LabelText, labelText, splitLines } from "./draw-label-text.js";
import { composeOverlay, integerOption, numberOption } from "./draw-overlay.js";
import {
  FONT_SIZE_PER_TEXT_SCALE,
  measureText,
  type TextStyle,
  textElement,
  truncateLine,
} from "./draw-text.js";
import type { WorkflowImage } from "./image.js";
import { type ColorOptions, checkColorAxis, colorFor, parseColor, resolvePalette, toHex } from "./palette.js";

/** Where a label sits relative to its box (`text_position`). */
export type LabelPosition =
  | "CENTER"
  | "CENTER_LEFT"
  | "CENTER_RIGHT"
  | "TOP_CENTER"
  | "TOP_LEFT"
  | "TOP_RIGHT"
  | "BOTTOM_LEFT"
  | "BOTTOM_CENTER"
  | "BOTTOM_RIGHT"
  | "CENTER_OF_MASS";

/** Valid `text_position` values. */
export const LABEL_POSITIONS: readonly LabelPosition[] = [
  "CENTER",
  "CENTER_LEFT",
  "CENTER_RIGHT",
  "TOP_CENTER",
  "TOP_LEFT",
  "TOP_RIGHT",
  "BOTTOM_LEFT",
  "BOTTOM_CENTER",
  "BOTTOM_RIGHT",
  "CENTER_OF_MASS",
];

/** Options of {@link drawLabels}, named after the block's properties (camelCase). */
export interface LabelDrawOptions extends ColorOptions {
  /** `text`: what each label says. Default "Class". */
  readonly text?: LabelText;
  /** `text_position`: the box anchor the label is placed at. Default "TOP_LEFT" (above the box's top-left corner). */
  readonly textPosition?: LabelPosition;
  /** `text_color`: a colour string (#RRGGBB, rgb(…), bgr(…) or a name). Default "WHITE". */
  readonly textColor?: string;
  /** `text_scale`: text size; 1.0 (default) makes capitals about 22 px tall, like OpenCV's font at scale 1. */
  readonly textScale?: number;
  /** `text_thickness`: 1 (default) regular, 2 bold, more adds an outline of that many pixels less two. */
  readonly textThickness?: number;
  /** `text_padding`: pixels between the text and the edge of its background, and between lines. Default 10. */
  readonly textPadding?: number;
  /** `border_radius`: corner radius of the background in pixels. Default 0. */
  readonly borderRadius?: number;
}

/** The block's defaults (inference's `LabelManifest`; note `text_scale` 1.0 there, not supervision's 0.5). */
export const LABEL_DRAW_DEFAULTS = {
  colorPalette: "DEFAULT",
  customColors: [],
  colorAxis: "CLASS",
  text: "Class",
  textPosition: "TOP_LEFT",
  textColor: "WHITE",
  textScale: 1,
  textThickness: 1,
  textPadding: 10,
  borderRadius: 0,
} as const satisfies Required<LabelDrawOptions>;

/** Draws a label on each detection; returns a new PNG image of the same size. */
export async function drawLabels(
  image: WorkflowImage,
  detections: Detections,
  options: LabelDrawOptions = {},
): Promise<WorkflowImage> {
  const text = options.text ?? LABEL_DRAW_DEFAULTS.text;
  if (!LABEL_TEXTS.includes(text)) {
    throw new InvalidArgumentError("text", `${JSON.stringify(text)} is not a label text`, LABEL_TEXTS);
  }
  const position = options.textPosition ?? LABEL_DRAW_DEFAULTS.textPosition;
  if (!LABEL_POSITIONS.includes(position)) {
    throw new InvalidArgumentError(
      "text_position",
      `${JSON.stringify(position)} is not a position`,
      LABEL_POSITIONS,
    );
  }
  const textColor = toHex(parseColor(options.textColor ?? LABEL_DRAW_DEFAULTS.textColor, "text_color"));
  const scale = numberOption(options.textScale, LABEL_DRAW_DEFAULTS.textScale, "text_scale", {
    minimum: 0,
    exclusiveMinimum: true,
  });
  const thickness = integerOption(
    options.textThickness,
    LABEL_DRAW_DEFAULTS.textThickness,
    "text_thickness",
    1,
  );
  const padding = integerOption(options.textPadding, LABEL_DRAW_DEFAULTS.textPadding, "text_padding", 0);
  const borderRadius = integerOption(
    options.borderRadius,
    LABEL_DRAW_DEFAULTS.borderRadius,
    "border_radius",
    0,
  );
  const axis = checkColorAxis(options.colorAxis ?? LABEL_DRAW_DEFAULTS.colorAxis);
  const palette = resolvePalette(options);
  const style: TextStyle = {
    fontSize: FONT_SIZE_PER_TEXT_SCALE * scale,
    bold: thickness >= 2,
    outline: Math.max(0, thickness - 2),
  };

  const items = detections.items.filter((d) => [d.xMin, d.yMin, d.xMax, d.yMax].every(Number.isFinite));
  const lineSets = items.map((detection, index) =>
    splitLines(labelText(detection, index, text)).map(truncateLine),
  );
  const metrics = await measureText(lineSets.flat(), style);

  const shapes = items.map((detection, index) => {
    const lines = lineSets[index] ?? [""];
    const lineWidths = lines.map((line) => metrics.lines.get(line)?.width ?? 0);
    const textHeight = lines.length * metrics.capHeight + (lines.length - 1) * padding;
    const size = { width: Math.max(0, ...lineWidths) + 2 * padding, height: textHeight + 2 * padding };
    const { left, top } = placeLabel(detection, position, size, image);
    const radius = Math.min(borderRadius, Math.floor(Math.min(size.width, size.height) / 2));
    const background = toHex(colorFor(palette, detection, index, axis));
    const texts = lines.map((line, lineIndex) => {
      const baseline = top + padding + (lineIndex + 1) * metrics.capHeight + lineIndex * padding;
      const inkLeft = metrics.lines.get(line)?.left ?? 0;
      return textElement(line, left + padding - inkLeft, baseline, style, textColor);
    });
    return (
      `<rect x="${left}" y="${top}" width="${size.width}" height="${size.height}" rx="${radius}" ry="${radius}" ` +
      `fill="${background}"${radius === 0 ? ' shape-rendering="crispEdges"' : ""}/>${texts.join("")}`
    );
  });
  return composeOverlay(image, shapes.join(""));
}

/**
 * Top-left corner of a label's background. supervision puts the background against the anchor point
 * (`resolve_text_background_xyxy`): above the box for TOP_*, below it for BOTTOM_*, centred on CENTER. It lets a
 * label run off the image; we slide it back inside so a box at the top edge keeps a readable label.
 */
function placeLabel(
  box: Detection,
  position: LabelPosition,
  size: { width: number; height: number },
  frame: { width: number; height: number },
): { left: number; top: number } {
  const x1 = Math.trunc(box.xMin);
  const y1 = Math.trunc(box.yMin);
  const x2 = Math.trunc(box.xMax);
  const y2 = Math.trunc(box.yMax);
  const centerX = Math.trunc((x1 + x2) / 2);
  const centerY = Math.trunc((y1 + y2) / 2);
  const halfWidth = Math.floor(size.width / 2);
  const halfHeight = Math.floor(size.height / 2);
  // Boxes have no mask here, and a filled box's centre of mass is its centre.
  const [left, top] = ((): [number, number] => {
    switch (position) {
      case "TOP_LEFT":
        return [x1, y1 - size.height];
      case "TOP_CENTER":
        return [centerX - halfWidth, y1 - size.height];
      case "TOP_RIGHT":
        return [x2 - size.width, y1 - size.height];
      case "CENTER_LEFT":
        return [x1 - size.width, centerY - halfHeight];
      case "CENTER":
      case "CENTER_OF_MASS":
        return [centerX - halfWidth, centerY - halfHeight];
      case "CENTER_RIGHT":
        return [x2, centerY - halfHeight];
      case "BOTTOM_LEFT":
        return [x1, y2];
      case "BOTTOM_CENTER":
        return [centerX - halfWidth, y2];
      case "BOTTOM_RIGHT":
        return [x2 - size.width, y2];
    }
  })();
  return {
    left: clamp(left, 0, Math.max(0, frame.width - size.width)),
    top: clamp(top, 0, Math.max(0, frame.height - size.height)),
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
