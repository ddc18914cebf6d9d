/**
 * Prompts are data keyed by task type, in our own words, tuned for Qwen. What must not drift is the JSON
 * contract each structured task asks for, because the parser blocks read it: those are the constants below,
 * pinned by tests.
 *
 * Placement: one system message with the task's rules, then one user turn with the image FIRST and the text
 * after it. Qwen-VL's own examples and its chat template put the image before the instruction, and with causal
 * attention the instruction's tokens can then attend to the image tokens — the instruction is read "looking at"
 * the picture rather than before it. Rules go in the system message so the user turn stays the user's words
 * (their prompt, question, classes or fields).
 */
import type { ChatPrompt } from "../../../backends/backend.js";
import type { TaskType } from "./task-types.js";

/** The contract of `classification`: one object, one of the classes. Read by vlm_as_classifier. */
export const CLASSIFICATION_CONTRACT = { class_name: "<one of the classes>", confidence: 0.9 } as const;

/** The contract of `multi-label-classification`. Read by vlm_as_classifier. */
export const MULTI_LABEL_CONTRACT = {
  predicted_classes: [
    { class: "<a class>", confidence: 0.9 },
    { class: "<another class>", confidence: 0.6 },
  ],
} as const;

/**
 * The contract of `object-detection`: a JSON list of boxes, `[x_min, y_min, x_max, y_max]` as integers 0–1000
 * relative to the image width and height — the grounding format Qwen3 and later are trained on. Read by
 * vlm_as_detector with model_type "qwen".
 */
export const DETECTION_CONTRACT = [{ box_2d: [120, 340, 560, 910], label: "<one of the classes>" }] as const;

/**
 * How a model writes box coordinates. Qwen3 and later: 0–1000 relative. Qwen2.5-VL is trained on absolute
 * pixels of the image as its processor resized it, so it is asked for that and the native runtime converts.
 */
export type BoxConvention = "relative-1000" | "absolute-pixels";

/** What a task needs to build its prompt. */
export interface PromptInputs {
  readonly prompt?: string | undefined;
  readonly classes?: readonly string[] | undefined;
  readonly outputStructure?: Readonly<Record<string, string>> | undefined;
  /** For object-detection; "relative-1000" unless the model family says otherwise. */
  readonly boxConvention?: BoxConvention;
}

const JSON_ONLY = "Reply with the JSON only: no explanation, no text before or after it.";

function classList(classes: readonly string[] | undefined): string {
  return (classes ?? []).map((name) => JSON.stringify(name)).join(", ");
}

function boxRule(convention: BoxConvention): string {
  return convention === "absolute-pixels"
    ? '"box_2d" is [x_min, y_min, x_max, y_max]: the top-left and bottom-right corners in absolute pixel coordinates of the image as you see it, as integers.'
    : '"box_2d" is [x_min, y_min, x_max, y_max]: the top-left and bottom-right corners as integers from 0 to 1000, relative to the image width (x) and height (y).';
}

const BUILDERS: Readonly<Record<TaskType, (inputs: PromptInputs) => ChatPrompt>> = {
  unconstrained: ({ prompt }) => ({
    system: "You are Qwen, a vision-language model. Look at the image and do what the user asks.",
    user: prompt ?? "",
  }),
  ocr: () => ({
    system:
      "You read text in images. Transcribe every piece of text you can see, exactly as written, keeping its " +
      "reading order and its line and paragraph breaks. Output only the text you read; if there is none, output nothing.",
    user: "Read all the text in this image.",
  }),
  "visual-question-answering": ({ prompt }) => ({
    system:
      "You answer questions about images. Answer from what is visible in the image. Be brief: a few words or a " +
      "sentence or two; for a multiple-choice question give only the letter or option of the answer.",
    user: prompt ?? "",
  }),
  caption: () => ({
    system: "You write captions for images. A caption is one short sentence that says what the image shows.",
    user: "Write a short caption for this image.",
  }),
  "detailed-caption": () => ({
    system:
      "You describe images in detail: the main subjects, what they are doing, the setting, colours, any visible " +
      "text, and anything notable. Write a few paragraphs of plain prose.",
    user: "Describe this image in detail.",
  }),
  classification: ({ classes }) => ({
    system:
      "You are an image classifier. Choose the single class from the user's list that best fits the image, and " +
      `say how sure you are from 0.0 to 1.0. Answer with one JSON object of this shape: ${JSON.stringify(CLASSIFICATION_CONTRACT)}. ` +
      `"class_name" must be written exactly as it appears in the list. ${JSON_ONLY}`,
    user: `Classes: ${classList(classes)}`,
  }),
  "multi-label-classification": ({ classes }) => ({
    system:
      "You are a multi-label image classifier. From the user's list, pick every class that is present in the " +
      "image, each with how sure you are from 0.0 to 1.0, and leave out the classes that are not present. Answer " +
      `with one JSON object of this shape: ${JSON.stringify(MULTI_LABEL_CONTRACT)}. Write class names exactly as they ` +
      `appear in the list. ${JSON_ONLY}`,
    user: `Classes: ${classList(classes)}`,
  }),
  "object-detection": ({ classes, boxConvention = "relative-1000" }) => ({
    system:
      "You are an object detector. Find every instance of the user's classes in the image. Answer with a JSON " +
      `list with one entry per object, each with a "box_2d" and a "label": ${JSON.stringify(DETECTION_CONTRACT)}. ` +
      `${boxRule(boxConvention)} "label" must be one of the user's classes, written exactly as in the list. ` +
      `If none are present, answer []. ${JSON_ONLY}`,
    user: `Detect: ${classList(classes)}`,
  }),
  "structured-answering": ({ outputStructure }) => ({
    system:
      "You extract information from images into JSON. The user gives the fields to fill: each key is a field " +
      "name and its value describes what to put there. Answer with one JSON object that has exactly those keys " +
      `and no others; use null for a field the image does not show. ${JSON_ONLY}`,
    user: `Fields:\n${JSON.stringify(outputStructure ?? {}, null, 2)}`,
  }),
};

/** Builds the system and user text of a task. Required inputs are checked by the manifest, not here. */
export function buildPrompt(taskType: TaskType, inputs: PromptInputs): ChatPrompt {
  return BUILDERS[taskType](inputs);
}
