/** The nine task types of the Qwen block and what each needs (DESIGN.md §1). */

export const TASK_TYPES = [
  "unconstrained",
  "ocr",
  "visual-question-answering",
  "caption",
  "detailed-caption",
  "classification",
  "multi-label-classification",
  "object-detection",
  "structured-answering",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** The property each task type cannot do without. */
export const TASK_REQUIREMENTS: Readonly<Record<TaskType, "prompt" | "classes" | "output_structure" | null>> =
  {
    unconstrained: "prompt",
    ocr: null,
    "visual-question-answering": "prompt",
    caption: null,
    "detailed-caption": null,
    classification: "classes",
    "multi-label-classification": "classes",
    "object-detection": "classes",
    "structured-answering": "output_structure",
  };

/** The parser block that reads each structured task's output (shown in docs and `describe`). */
export const RECOMMENDED_PARSERS: Readonly<Partial<Record<TaskType, string>>> = {
  classification: "roboflow_core/vlm_as_classifier@v2",
  "multi-label-classification": "roboflow_core/vlm_as_classifier@v2",
  "object-detection": "roboflow_core/vlm_as_detector@v2",
  "structured-answering": "roboflow_core/json_parser@v1",
};
