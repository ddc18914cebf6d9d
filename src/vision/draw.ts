/**
 * Drawing detections on images, for the visualization blocks (`roboflow_core/bounding_box_visualization@v1`,
 * `roboflow_core/label_visualization@v1`): one import for the block code.
 */
export { BOX_DRAW_DEFAULTS, type BoxDrawOptions, drawBoxes } from "./draw-boxes.js";
export { LABEL_TEXTS, type LabelText, labelText } from "./draw-label-text.js";
export {
  drawLabels,
  LABEL_DRAW_DEFAULTS,
  LABEL_POSITIONS,
  type LabelDrawOptions,
  type LabelPosition,
} from "./draw-labels.js";
export {
  COLOR_AXES,
  COLOR_PALETTES,
  type ColorAxis,
  type ColorOptions,
  NAMED_PALETTES,
  parseColor,
  type Rgb,
} from "./palette.js";
