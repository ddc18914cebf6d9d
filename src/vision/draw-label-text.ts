/**
 * The words on a label: what `roboflow_core/label_visualization@v1` writes for each value of its `text`
 * property (inference's `build_detection_labels`), split into lines as supervision does.
 */
import type { Detection } from "./detections.js";

/** What a label says (`text`), as the block names it. */
export type LabelText =
  | "Class"
  | "Confidence"
  | "Class and Confidence"
  | "Index"
  | "Dimensions"
  | "Area"
  | "Area (mask)"
  | "Area (converted)"
  | "Tracker Id"
  | "Time In Zone";

/** Valid `text` values. */
export const LABEL_TEXTS: readonly LabelText[] = [
  "Class",
  "Confidence",
  "Class and Confidence",
  "Index",
  "Dimensions",
  "Area",
  "Area (mask)",
  "Area (converted)",
  "Tracker Id",
  "Time In Zone",
];

/** The text the block writes on a detection for a `text` option (inference's `build_detection_labels`). */
export function labelText(detection: Detection, index: number, text: LabelText): string {
  const confidence = detection.confidence.toFixed(2);
  const width = detection.xMax - detection.xMin;
  const height = detection.yMax - detection.yMin;
  switch (text) {
    case "Class":
      return detection.className;
    case "Confidence":
      return confidence;
    case "Class and Confidence":
      return `${detection.className} ${confidence}`;
    case "Index":
      return String(index);
    case "Dimensions": {
      const centerX = Math.trunc((detection.xMin + detection.xMax) / 2);
      const centerY = Math.trunc((detection.yMin + detection.yMax) / 2);
      return `${centerX}, ${centerY} ${Math.trunc(width)}x${Math.trunc(height)}`;
    }
    case "Area":
      return String(Math.trunc(width * height));
    // Our detections carry no masks, trackers or zone timers: the block writes these placeholders then.
    case "Area (mask)":
      return "Area (mask): N/A";
    case "Area (converted)":
      return "Area (conv): N/A";
    case "Tracker Id":
      return "No Tracker ID";
    case "Time In Zone":
      return "In zone: N/A";
  }
}

/** The label's lines: supervision splits at line breaks (Python's `str.splitlines`) and stacks them. */
export function splitLines(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are line breaks to Python.
  const lines = text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/);
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  return lines;
}
