/**
 * `roboflow_core/vlm_as_detector@v1`: parses a vision-language model's object-detection JSON into object
 * detections per image, for the model types Roboflow's v1 knows (Gemini, Claude; Florence-2 is refused here).
 * First version.
 */
import { createVlmAsDetectorBlock } from "./detector-block.js";

/** The VLM-as-detector block, version 1. */
export const vlmAsDetectorV1 = createVlmAsDetectorBlock({
  type: "roboflow_core/vlm_as_detector@v1",
  version: "v1",
  inferenceIdKind: "string",
});
