/**
 * What the versions of `roboflow_core/vlm_as_classifier` share: the manifest (Roboflow's properties `image`,
 * `vlm_output`, `classes`; outputs `error_status`, `predictions`, `inference_id`) and the run function. A
 * version states only what differs: its type identifier and the kind of its `inference_id` output.
 */
import { z } from "zod";
import type { WorkflowImage } from "../../../vision/image.js";
import type { Block, BlockContext, Kind } from "../../block.js";
import { runElements } from "../../run-elements.js";
import { imageSchema } from "../../value-schemas.js";
import { parserOutputs } from "../parser-outputs.js";
import { parseClassification } from "./parse.js";

/** The property values a classifier step runs with. */
export interface VlmAsClassifierParams {
  image: WorkflowImage;
  vlm_output: string;
  classes: string[];
}

/** What differs between versions of the classifier block. */
export interface VlmAsClassifierVersion {
  /** The type identifier, e.g. "roboflow_core/vlm_as_classifier@v2". */
  readonly type: string;
  /** Kind of the `inference_id` output: `string` in v1, `inference_id` from v2 on. */
  readonly inferenceIdKind: Kind;
}

/** Builds one version of the classifier block. */
export function createVlmAsClassifierBlock(version: VlmAsClassifierVersion): Block<VlmAsClassifierParams> {
  return {
    manifest: {
      type: version.type,
      title: "VLM As Classifier",
      description:
        'Turns a vision-language model\'s classification answer — {"class_name", "confidence"} for one label or ' +
        '{"predicted_classes": [...]} for several — into a classification prediction in the inference server\'s shape.',
      properties: {
        image: {
          schema: imageSchema,
          selectorKinds: ["image"],
          batch: true,
          description:
            "The image the model classified; gives the prediction its size and parent_id. Bind the same image the model step saw.",
        },
        vlm_output: {
          schema: z.string(),
          selectorKinds: ["language_model_output"],
          batch: true,
          description:
            "The model's text answer with the classification JSON, bare or in a ```json block (e.g. $steps.qwen.output).",
        },
        classes: {
          schema: z.array(z.string()),
          selectorKinds: ["list_of_values"],
          description:
            "Every class the model was asked to choose from, in order: a class's id is its position here; answers outside the list get class_id -1 (e.g. $steps.qwen.classes).",
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
          kinds: ["classification_prediction"],
          description:
            "The classification (single- or multi-label shape), or null when error_status is true.",
        },
        { name: "inference_id", kinds: [version.inferenceIdKind], description: "A fresh UUID per element." },
      ],
    },
    run: (batch, context) =>
      runElements(batch, context, (params, index) => classify(params, index, version, context)),
  };
}

function classify(
  params: VlmAsClassifierParams,
  index: number,
  version: VlmAsClassifierVersion,
  context: BlockContext,
): Record<string, unknown> {
  const { image } = params;
  const result = parseClassification(params.vlm_output, params.classes, image);
  return parserOutputs(
    result,
    result.predictions,
    // The block (not the parser) adds these two, inside the prediction as in Roboflow's output.
    (predictions, inferenceId) => ({ ...predictions, inference_id: inferenceId, parent_id: image.id }),
    { type: version.type, index, context },
  );
}
