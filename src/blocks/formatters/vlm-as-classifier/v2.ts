/**
 * `roboflow_core/vlm_as_classifier@v2`: parses a vision-language model's classification JSON (single- or
 * multi-label) into a classification prediction per image. Changed from v1: the `inference_id` output has the
 * kind `inference_id` instead of `string`; parsing is identical.
 */
import { createVlmAsClassifierBlock } from "./classifier-block.js";

/** The VLM-as-classifier block, version 2. */
export const vlmAsClassifierV2 = createVlmAsClassifierBlock({
  type: "roboflow_core/vlm_as_classifier@v2",
  inferenceIdKind: "inference_id",
});
