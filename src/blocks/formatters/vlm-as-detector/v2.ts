/**
 * `roboflow_core/vlm_as_detector@v2`: parses a vision-language model's object-detection JSON into object
 * detections per image. Changed from v1: adds the model types openai, spacexai, qwen, muse and our qwen-2.5
 * (Qwen2.5-VL's pixel boxes); reads anthropic-claude with Roboflow's v2 reader; the `inference_id` output has
 * the kind `inference_id` instead of `string`.
 */
import { createVlmAsDetectorBlock } from "./detector-block.js";

/** The VLM-as-detector block, version 2. */
export const vlmAsDetectorV2 = createVlmAsDetectorBlock({
  type: "roboflow_core/vlm_as_detector@v2",
  version: "v2",
  inferenceIdKind: "inference_id",
});
