/**
 * The parsing logic of `roboflow_core/vlm_as_detector@v1` and `@v2`: turn a model's JSON answer into
 * object detections in pixels of the original image. Each model family's box convention lives in its own
 * `*-boxes.ts` reader; this file picks the reader, rounds boxes to whole pixels (half to even, like
 * Roboflow's `np.round`), assigns class ids (-1 for labels not in `classes`) and builds `Detections`.
 *
 * v1 → v2 in Roboflow: v2 adds the openai, spacexai, qwen and muse model types; anthropic-claude moves
 * from the Gemini reader (box_2d or legacy fields, list or wrapper) to the legacy-only reader; muse output
 * that is not one JSON document is recovered object by object. The block adds `inference_id`; the
 * `parentId` given here becomes each detection's `parent_id`.
 */
import { InvalidArgumentError } from "../../../errors.js";
import { type Detections, makeDetection } from "../../../vision/detections.js";
import { DEFAULT_PIXEL_BUDGET, QWEN_FAMILY_FACTORS, smartResize } from "../../../vision/smart-resize.js";
import { extractJson, type JsonExtraction, parseLikeRoboflow } from "../json-extraction.js";
import { createClassesIndex, describeJson, roundHalfEven } from "../python-compat.js";
import { readNormalizedDetections } from "./claude-boxes.js";
import { readGeminiBoxes } from "./gemini-boxes.js";
import { type DetectorVersion, detectorCombinationProblem } from "./model-types.js";
import { findMuseLooseEntries, readMuseBoxes } from "./muse-boxes.js";
import { readOpenaiBoxes } from "./openai-boxes.js";
import { type BoxReader, type ImageSize, mapFour } from "./parsed-box.js";
import { readQwen25Boxes, readQwenBoxes } from "./qwen-boxes.js";
import { readSpacexaiBoxes } from "./spacexai-boxes.js";

/** What {@link parseDetections} needs besides the model's text. */
export interface DetectorParseOptions {
  readonly version: DetectorVersion;
  /** One of `DETECTOR_MODEL_TYPES[version]`; says which box convention the text uses. */
  readonly modelType: string;
  readonly taskType: string;
  /** The classes the model was asked for; a label's class id is its index here. */
  readonly classes: readonly string[];
  /** Size of the original image, which the boxes are returned in. */
  readonly image: ImageSize;
  /** Id of that image (`parent_id` of every detection). */
  readonly parentId: string;
  /** `qwen-2.5` only: the processor's pixel budget (default {@link DEFAULT_PIXEL_BUDGET}). */
  readonly pixelBudget?: { readonly minPixels: number; readonly maxPixels: number };
  /** `qwen-2.5` only: the exact size the model saw, when the caller knows it; skips smart resize. */
  readonly modelInputSize?: ImageSize;
  /** Makes each detection's id (default: a random UUID, as Roboflow does). */
  readonly createDetectionId?: () => string;
}

/** What {@link parseDetections} found. */
export interface DetectionsParseResult {
  /** True when the output could not be read in the model type's convention; `detections` is then null. */
  readonly errorStatus: boolean;
  readonly detections: Detections | null;
  /** Why `errorStatus` is true. */
  readonly error?: string;
  /** Tolerances that were needed to read the JSON (prose around it, truncation, …). */
  readonly warnings: readonly string[];
}

/**
 * Parses a model's object-detection answer. Throws `InvalidArgumentError` for a model type / task type
 * combination the block version does not parse (a configuration error, see `detectorCombinationProblem`).
 */
export function parseDetections(vlmOutput: string, options: DetectorParseOptions): DetectionsParseResult {
  const { version, modelType, taskType, image } = options;
  const problem = detectorCombinationProblem(version, modelType, taskType);
  if (problem) throw new InvalidArgumentError(problem.property, problem.message, problem.validValues);
  const reader = boxReader(options);
  const extraction =
    version === "v2" && modelType === "muse" ? extractMuse(vlmOutput) : extractJson(vlmOutput);
  if (!extraction.ok) return failure(extraction.error, []);
  const { value: answer, notes: warnings } = extraction;
  if (typeof answer !== "object" || answer === null) {
    return failure(`expected a JSON list or object of detections, got ${describeJson(answer)}`, warnings);
  }
  let boxes: ReturnType<BoxReader>;
  try {
    boxes = reader(answer, image);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure(`could not read ${modelType} detections: ${reason}`, warnings);
  }
  const classIds = createClassesIndex(options.classes);
  const items = boxes.map((box) => {
    const [xMin, yMin, xMax, yMax] = mapFour(box.xyxy, roundHalfEven);
    return makeDetection({
      xMin,
      yMin,
      xMax,
      yMax,
      confidence: box.confidence,
      classId: classIds.get(box.className) ?? -1,
      className: box.className,
      detectionId: options.createDetectionId?.(),
    });
  });
  const detections: Detections = {
    image: { width: image.width, height: image.height },
    parentId: options.parentId,
    items,
  };
  return { errorStatus: false, detections, warnings };
}

function boxReader(options: DetectorParseOptions): BoxReader {
  switch (options.modelType) {
    case "google-gemini":
      return readGeminiBoxes;
    case "anthropic-claude":
      return options.version === "v1" ? readGeminiBoxes : readNormalizedDetections;
    case "openai":
      return readOpenaiBoxes;
    case "spacexai":
      return readSpacexaiBoxes;
    case "qwen":
      return readQwenBoxes;
    case "muse":
      return readMuseBoxes;
    case "qwen-2.5": {
      const { image } = options;
      const modelInput =
        options.modelInputSize ??
        smartResize(image.height, image.width, {
          factor: QWEN_FAMILY_FACTORS.qwen2_5_vl,
          ...(options.pixelBudget ?? DEFAULT_PIXEL_BUDGET),
        });
      return (answer, size) => readQwen25Boxes(answer, size, modelInput);
    }
    default:
      // detectorCombinationProblem has already rejected every other model type.
      throw new InvalidArgumentError("model_type", `"${options.modelType}" has no box reader.`);
  }
}

// Roboflow's v2 order for Muse: its strict JSON rule, then loose `{...}, {...}` objects, and only then our
// own tolerances (which would otherwise reject back-to-back objects as ambiguous).
function extractMuse(vlmOutput: string): JsonExtraction {
  const strict = parseLikeRoboflow(vlmOutput);
  if (strict && typeof strict.value === "object" && strict.value !== null) {
    return { ok: true, value: strict.value, notes: [] };
  }
  const loose = findMuseLooseEntries(vlmOutput);
  if (loose.length > 0) return { ok: true, value: loose, notes: [] };
  return extractJson(vlmOutput);
}

function failure(error: string, warnings: readonly string[]): DetectionsParseResult {
  return { errorStatus: true, detections: null, error, warnings };
}
