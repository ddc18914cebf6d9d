/**
 * `roboflow_core/vlm_as_classifier@v1`: parses a vision-language model's classification JSON (single- or
 * multi-label) into a classification prediction per image, with `error_status` and an `inference_id`.
 * First version.
 */
import { createVlmAsClassifierBlock } from "./classifier-block.js";

/** The VLM-as-classifier block, version 1. */
export const vlmAsClassifierV1 = createVlmAsClassifierBlock({
  type: "roboflow_core/vlm_as_classifier@v1",
  inferenceIdKind: "string",
});
