/**
 * What the versions of `roboflow_core/vlm_as_detector` share: the manifest (Roboflow's properties `image`,
 * `vlm_output`, `classes`, `model_type`, `task_type`; outputs `error_status`, `predictions`, `inference_id`),
 * its validator and the run function. A version states only what differs: its type identifier, the parser
 * version (which model types it reads, and how) and the kind of its `inference_id` output.
 */
import { z } from "zod";
import type { WorkflowImage } from "../../../vision/image.js";
import type { Block, BlockContext, Kind, ValidationProblem } from "../../block.js";
import { runElements } from "../../run-elements.js";
import { imageSchema } from "../../value-schemas.js";
import { parserOutputs } from "../parser-outputs.js";
import {
  DETECTOR_MODEL_TYPES,
  DETECTOR_TASK_TYPES,
  type DetectorTaskType,
  type DetectorVersion,
  detectorCombinationProblem,
} from "./model-types.js";
import { parseDetections } from "./parse.js";

/** The property values a detector step runs with. */
export interface VlmAsDetectorParams {
  image: WorkflowImage;
  vlm_output: string;
  classes?: string[] | undefined;
  model_type: string;
  task_type: DetectorTaskType;
}

/** What differs between versions of the detector block. */
export interface VlmAsDetectorVersion {
  /** The type identifier, e.g. "roboflow_core/vlm_as_detector@v2". */
  readonly type: string;
  /** Which of Roboflow's parser versions runs (model types accepted, box conventions). */
  readonly version: DetectorVersion;
  /** Kind of the `inference_id` output: `string` in v1, `inference_id` from v2 on. */
  readonly inferenceIdKind: Kind;
}

// What each model type means for a user choosing one (the box conventions live in the *-boxes.ts readers).
const MODEL_TYPE_NOTES: Readonly<Record<string, string>> = {
  qwen: "Qwen3-VL and later, box_2d in 0-1000 of the image",
  "qwen-2.5": "Qwen2.5-VL, box_2d in pixels of the image as its processor resized it",
  "google-gemini": "Gemini",
  "anthropic-claude": "Claude",
  openai: "OpenAI GPT",
  spacexai: "Grok",
  muse: "Meta Muse",
  "florence-2": "not parsed here",
};

/** Builds one version of the detector block. */
export function createVlmAsDetectorBlock(version: VlmAsDetectorVersion): Block<VlmAsDetectorParams> {
  const modelTypes = DETECTOR_MODEL_TYPES[version.version].map(
    (modelType) => `"${modelType}" (${MODEL_TYPE_NOTES[modelType] ?? modelType})`,
  );
  return {
    manifest: {
      type: version.type,
      title: "VLM As Detector",
      description:
        "Turns a vision-language model's object-detection answer into object detections in pixels of the image, " +
        "reading the box convention of the model family named by model_type.",
      properties: {
        image: {
          schema: imageSchema,
          selectorKinds: ["image"],
          batch: true,
          description:
            "The image the model looked at; its size converts the model's boxes to pixels and its id becomes each detection's parent_id.",
        },
        vlm_output: {
          schema: z.string(),
          selectorKinds: ["language_model_output"],
          batch: true,
          description:
            "The model's text answer with the detections JSON, bare or in a ```json block (e.g. $steps.qwen.output).",
        },
        classes: {
          schema: z.array(z.string()).optional(),
          selectorKinds: ["list_of_values"],
          description:
            "Every class the model was asked to find, in order: a label's class_id is its position here, -1 when it is not listed (e.g. $steps.qwen.classes). Required.",
        },
        model_type: {
          schema: z.string(),
          description: `The model family whose box convention vlm_output follows: ${modelTypes.join(", ")}.`,
        },
        task_type: {
          schema: z.enum(DETECTOR_TASK_TYPES),
          description: 'The task the model performed; "object-detection" for every model type parsed here.',
        },
      },
      outputs: [
        {
          name: "error_status",
          kinds: ["boolean"],
          description: "True when the answer could not be parsed.",
        },
        {
          name: "predictions",
          kinds: ["object_detection_prediction"],
          description: "The detections, or null when error_status is true.",
        },
        { name: "inference_id", kinds: [version.inferenceIdKind], description: "A fresh UUID per element." },
      ],
      validate: (values, unresolved) => validateDetector(version.version, values, unresolved),
    },
    run: (batch, context) =>
      runElements(batch, context, (params, index) => detect(params, index, version, context)),
  };
}

/** The model type / task type combination (Roboflow's registered parsers), and classes, which every parsed model type needs. */
function validateDetector(
  version: DetectorVersion,
  values: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const combination = detectorCombinationProblem(
    version,
    String(values.model_type),
    String(values.task_type),
  );
  if (combination) problems.push(combination);
  // Roboflow asks for classes from every model type but Florence-2 (which it parses without them).
  if (values.model_type !== "florence-2" && !unresolved.has("classes") && values.classes === undefined) {
    problems.push({
      property: "classes",
      message: `is required for model_type "${String(values.model_type)}": list the classes the model was asked to find (e.g. "$steps.qwen.classes"), so that labels get class ids`,
    });
  }
  return problems;
}

function detect(
  params: VlmAsDetectorParams,
  index: number,
  version: VlmAsDetectorVersion,
  context: BlockContext,
): Record<string, unknown> {
  const { image } = params;
  const result = parseDetections(params.vlm_output, {
    version: version.version,
    modelType: params.model_type,
    taskType: params.task_type,
    classes: params.classes ?? [],
    image: { width: image.width, height: image.height },
    parentId: image.id,
  });
  return parserOutputs(
    result,
    result.detections,
    // On a crop, the detections remember where it sits, so outputs can give them in the original's coordinates.
    (detections) => (image.origin ? { ...detections, origin: image.origin } : detections),
    { type: version.type, index, context },
  );
}
