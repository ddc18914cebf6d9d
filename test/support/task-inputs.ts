/** For each task type, the inputs it needs — so tests can run all nine on any backend. */
import type { QwenVlmOptions } from "../../src/api/run-qwen-vlm.js";
import type { TaskType } from "../../src/blocks/models/qwen-vlm/task-types.js";

export const TASK_INPUTS: Readonly<Record<TaskType, QwenVlmOptions>> = {
  unconstrained: { prompt: "What breed are these dogs?" },
  ocr: {},
  "visual-question-answering": { prompt: "How many dogs?" },
  caption: {},
  "detailed-caption": {},
  classification: { classes: ["dog", "cat"] },
  "multi-label-classification": { classes: ["dog", "cat"] },
  "object-detection": { classes: ["dog", "cat"] },
  "structured-answering": { output_structure: { count: "how many dogs" } },
};
