/**
 * `roboflow_core/label_visualization@v1`: writes a label on each detection (its class, confidence, index,
 * size…) on a background in its palette colour, anchored to its box. First version.
 */
import { z } from "zod";
import {
  drawLabels,
  LABEL_DRAW_DEFAULTS,
  LABEL_POSITIONS,
  LABEL_TEXTS,
  type LabelPosition,
  type LabelText,
} from "../../../vision/draw.js";
import type { ValidationProblem } from "../../block.js";
import { colorOptions, colorProblem, createVisualizationBlock, type VisualizationParams } from "../common.js";

/** The property values a label step runs with. */
export interface LabelVisualizationParams extends VisualizationParams {
  text: LabelText;
  text_position: LabelPosition;
  text_color: string;
  text_scale: number;
  text_thickness: number;
  text_padding: number;
  border_radius: number;
}

/** The label visualization block, version 1. */
export const labelVisualizationV1 = createVisualizationBlock<LabelVisualizationParams>({
  type: "roboflow_core/label_visualization@v1",
  title: "Label Visualization",
  description: "Writes a label (class, confidence, index, size…) on each detected object.",
  properties: {
    text: {
      schema: z.enum(LABEL_TEXTS).default(LABEL_DRAW_DEFAULTS.text),
      selectorKinds: ["string"],
      description: "What each label says.",
    },
    text_position: {
      schema: z.enum(LABEL_POSITIONS).default(LABEL_DRAW_DEFAULTS.textPosition),
      selectorKinds: ["string"],
      description: "Where the label sits relative to its box (TOP_LEFT: above the box's top-left corner).",
    },
    text_color: {
      schema: z.string().default(LABEL_DRAW_DEFAULTS.textColor),
      selectorKinds: ["string"],
      description: 'Colour of the text: "#RRGGBB", "rgb(R, G, B)", "bgr(B, G, R)" or a name such as "WHITE".',
    },
    text_scale: {
      schema: z.number().gt(0).default(LABEL_DRAW_DEFAULTS.textScale),
      selectorKinds: ["float"],
      description: "Size of the text; 1.0 makes capitals about 22 pixels tall.",
    },
    text_thickness: {
      schema: z.number().int().min(1).default(LABEL_DRAW_DEFAULTS.textThickness),
      selectorKinds: ["integer"],
      description: "Weight of the text: 1 regular, 2 bold, more adds an outline.",
    },
    text_padding: {
      schema: z.number().int().min(0).default(LABEL_DRAW_DEFAULTS.textPadding),
      selectorKinds: ["integer"],
      description: "Pixels between the text and the edge of its background.",
    },
    border_radius: {
      schema: z.number().int().min(0).default(LABEL_DRAW_DEFAULTS.borderRadius),
      selectorKinds: ["integer"],
      description: "Corner radius of the label's background in pixels.",
    },
  },
  validate: validateTextColor,
  draw: (image, detections, params) =>
    drawLabels(image, detections, {
      ...colorOptions(params),
      text: params.text,
      textPosition: params.text_position,
      textColor: params.text_color,
      textScale: params.text_scale,
      textThickness: params.text_thickness,
      textPadding: params.text_padding,
      borderRadius: params.border_radius,
    }),
});

function validateTextColor(
  values: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string>,
): ValidationProblem[] {
  if (unresolved.has("text_color") || typeof values.text_color !== "string") return [];
  const problem = colorProblem(values.text_color, "text_color");
  return problem ? [problem] : [];
}
