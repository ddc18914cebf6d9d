/**
 * A corpus of malformed workflow definitions, each with the problems the compiler must report: the step
 * (when there is one), the JSON path, and words the message must contain (the reason and the valid choices).
 */

/** A problem the compiler must report. */
export interface ExpectedProblem {
  readonly path: string;
  readonly step?: string;
  readonly words: readonly string[];
}

/** One malformed definition. */
export interface MalformedCase {
  readonly title: string;
  readonly definition: unknown;
  readonly problems: readonly ExpectedProblem[];
}

const QWEN = "roboflow_core/qwen_vlm@v1";
const IMAGE = { type: "WorkflowImage", name: "image" };
const OUT = [{ type: "JsonField", name: "out", selector: "$steps.qwen.output" }];

/** A definition with one image input, the given steps and outputs. */
function workflow(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: "1.0", inputs: [IMAGE], steps, outputs: OUT, ...extra };
}

/** A Qwen step named "qwen" on the image input, with these properties. */
function qwen(properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: QWEN, name: "qwen", images: "$inputs.image", task_type: "caption", ...properties };
}

export const MALFORMED_DEFINITIONS: readonly MalformedCase[] = [
  // Structure
  { title: "not JSON", definition: "{version: 1", problems: [{ path: "$", words: ["not valid JSON"] }] },
  {
    title: "a list, not an object",
    definition: [],
    problems: [{ path: "$", words: ["JSON object", "got []"] }],
  },
  { title: "a number", definition: 42, problems: [{ path: "$", words: ["JSON object", "42"] }] },
  {
    title: "unsupported version",
    definition: workflow([qwen()], { version: "2.0" }),
    problems: [{ path: "$.version", words: ["not supported", '"1.x"'] }],
  },
  {
    title: "version not a string",
    definition: workflow([qwen()], { version: 1 }),
    problems: [{ path: "$.version", words: ["must be a string", "got 1"] }],
  },
  {
    title: "steps missing",
    definition: { version: "1.0", inputs: [IMAGE], outputs: OUT },
    problems: [{ path: "$.steps", words: ["is required", "list"] }],
  },
  {
    title: "steps not a list",
    definition: workflow([], { steps: { qwen: qwen() } }),
    problems: [{ path: "$.steps", words: ["must be a list", "got"] }],
  },
  {
    title: "inputs not a list",
    definition: workflow([qwen()], { inputs: "image" }),
    problems: [{ path: "$.inputs", words: ["must be a list"] }],
  },
  {
    title: "no outputs",
    definition: workflow([qwen()], { outputs: [] }),
    problems: [{ path: "$.outputs", words: ["is empty", "JsonField"] }],
  },
  // Inputs
  {
    title: "unknown input type",
    definition: workflow([qwen()], { inputs: [{ type: "WorkflowImages", name: "image" }] }),
    problems: [
      {
        path: "$.inputs[0].type",
        words: ['"WorkflowImages" is not a known type', '"WorkflowImage"', '"WorkflowParameter"'],
      },
    ],
  },
  {
    title: "input without name",
    definition: workflow([qwen()], { inputs: [{ type: "WorkflowImage" }] }),
    problems: [{ path: "$.inputs[0].name", words: ["is required"] }],
  },
  {
    title: "input name with a space",
    definition: workflow([qwen()], { inputs: [IMAGE, { type: "WorkflowParameter", name: "my prompt" }] }),
    problems: [{ path: "$.inputs[1].name", words: ["letters, digits"] }],
  },
  {
    title: "duplicate input names",
    definition: workflow([qwen()], { inputs: [IMAGE, { type: "WorkflowParameter", name: "image" }] }),
    problems: [{ path: "$.inputs[1].name", words: ['"image" is declared twice'] }],
  },
  {
    title: "parameter kind is a number",
    definition: workflow([qwen()], { inputs: [IMAGE, { type: "WorkflowParameter", name: "p", kind: 3 }] }),
    problems: [{ path: "$.inputs[1].kind", words: ["kind name", "got 3"] }],
  },
  {
    title: "batch input of dimensionality 2",
    definition: workflow([qwen()], {
      inputs: [IMAGE, { type: "WorkflowBatchInput", name: "b", dimensionality: 2 }],
    }),
    problems: [{ path: "$.inputs[1].dimensionality", words: ["only 1 is supported"] }],
  },
  // Steps: type and name
  {
    title: "step without type",
    definition: workflow([{ name: "qwen", images: "$inputs.image" }]),
    problems: [{ path: "$.steps[0].type", step: "qwen", words: ["is required"] }],
  },
  {
    title: "step without name",
    definition: workflow([{ type: QWEN, images: "$inputs.image" }]),
    problems: [{ path: "$.steps[0].name", words: ["is required"] }],
  },
  {
    title: "step name with a dot",
    definition: workflow([qwen({ name: "qwen.1" })]),
    problems: [{ path: "$.steps[0].name", step: "qwen.1", words: ["letters, digits"] }],
  },
  {
    title: "unknown block type",
    definition: workflow([qwen({ type: "roboflow_core/llava@v1" })]),
    problems: [{ path: "$.steps[0].type", step: "qwen", words: ["not a known block type", QWEN] }],
  },
  {
    title: "known block, unknown version",
    definition: workflow([qwen({ type: "roboflow_core/qwen_vlm@v9" })]),
    problems: [{ path: "$.steps[0].type", step: "qwen", words: ['has no version "v9"', QWEN] }],
  },
  {
    title: "block type without namespace",
    definition: workflow([qwen({ type: "qwen_vlm@v1" })]),
    problems: [{ path: "$.steps[0].type", step: "qwen", words: ["did you mean", QWEN] }],
  },
  {
    title: "duplicate step names",
    definition: workflow([qwen(), qwen()]),
    problems: [{ path: "$.steps[1].name", step: "qwen", words: ["$.steps[0]", "unique"] }],
  },
  // Step properties (checked by the block's manifest)
  {
    title: "unknown property",
    definition: workflow([qwen({ promt: "hi" })]),
    problems: [
      { path: "$.steps[0].promt", step: "qwen", words: ["not a property", '"prompt"', '"task_type"'] },
    ],
  },
  {
    title: "property and its alias both given",
    definition: workflow([qwen({ image: "$inputs.image" })]),
    problems: [{ path: "$.steps[0].image", step: "qwen", words: ["given twice", "alias"] }],
  },
  {
    title: "unknown task type",
    definition: workflow([qwen({ task_type: "segmentation" })]),
    problems: [
      {
        path: "$.steps[0].task_type",
        step: "qwen",
        words: ['"segmentation"', "not one of", '"object-detection"'],
      },
    ],
  },
  {
    title: "max_tokens too small",
    definition: workflow([qwen({ max_tokens: 1 })]),
    problems: [{ path: "$.steps[0].max_tokens", step: "qwen", words: ["> 1", "got 1"] }],
  },
  {
    title: "temperature out of range",
    definition: workflow([qwen({ backend: "openrouter", temperature: 3 })]),
    problems: [{ path: "$.steps[0].temperature", step: "qwen", words: ["≤ 2", "got 3"] }],
  },
  {
    title: "max_tokens is text",
    definition: workflow([qwen({ max_tokens: "many" })]),
    problems: [{ path: "$.steps[0].max_tokens", step: "qwen", words: ["must be a number", '"many"'] }],
  },
  {
    title: "object detection without classes",
    definition: workflow([qwen({ task_type: "object-detection" })]),
    problems: [{ path: "$.steps[0].classes", step: "qwen", words: ["required", "object-detection"] }],
  },
  {
    title: "unconstrained without prompt",
    definition: workflow([qwen({ task_type: "unconstrained" })]),
    problems: [{ path: "$.steps[0].prompt", step: "qwen", words: ["required", "unconstrained"] }],
  },
  {
    title: "structured answering without output_structure",
    definition: workflow([qwen({ task_type: "structured-answering" })]),
    problems: [{ path: "$.steps[0].output_structure", step: "qwen", words: ["required"] }],
  },
  {
    title: "native model on the OpenRouter backend",
    definition: workflow([qwen({ backend: "openrouter", openrouter_model_version: "Qwen 3.5 VL 2B" })]),
    problems: [
      {
        path: "$.steps[0].openrouter_model_version",
        step: "qwen",
        words: ["native model", '"Qwen 3.6 27B"'],
      },
    ],
  },
  {
    title: "OpenRouter model as the native model",
    definition: workflow([qwen({ model_version: "Qwen 3.6 Plus" })]),
    problems: [
      { path: "$.steps[0].model_version", step: "qwen", words: ["OpenRouter model", '"Qwen 3.5 VL 2B"'] },
    ],
  },
  {
    title: "fine-tuned model without its id",
    definition: workflow([qwen({ model_version: "Fine-tuned model" })]),
    problems: [
      { path: "$.steps[0].fine_tuned_model_id", step: "qwen", words: ["required", "Fine-tuned model"] },
    ],
  },
  {
    title: "bad privacy level",
    definition: workflow([qwen({ privacy_level: "private" })]),
    problems: [{ path: "$.steps[0].privacy_level", step: "qwen", words: ['"private"', '"zdr"'] }],
  },
  // Selectors
  {
    title: "selector on a literal-only property",
    definition: workflow([qwen({ task_type: "$inputs.task" })], {
      inputs: [IMAGE, { type: "WorkflowParameter", name: "task" }],
    }),
    problems: [
      { path: "$.steps[0].task_type", step: "qwen", words: ["does not accept a selector", '"caption"'] },
    ],
  },
  {
    title: "image given as a literal path",
    definition: workflow([qwen({ images: "photo.jpg" })]),
    problems: [{ path: "$.steps[0].images", step: "qwen", words: ["takes a selector", "$inputs.image"] }],
  },
  {
    title: "image not bound",
    definition: workflow([{ type: QWEN, name: "qwen", task_type: "caption" }]),
    problems: [{ path: "$.steps[0].images", step: "qwen", words: ["is required", "$inputs.image"] }],
  },
  {
    title: "unknown input in a selector",
    definition: workflow([qwen({ images: "$inputs.imag" })]),
    problems: [{ path: "$.steps[0].images", step: "qwen", words: ["no declared input", '"image"'] }],
  },
  {
    title: "unknown step in a selector",
    definition: workflow([qwen({ prompt: "$steps.captioner.output", task_type: "unconstrained" })]),
    problems: [{ path: "$.steps[0].prompt", step: "qwen", words: ['no step "captioner"'] }],
  },
  {
    title: "unknown output in a selector",
    definition: workflow([
      qwen(),
      qwen({ name: "second", prompt: "$steps.qwen.text", task_type: "unconstrained" }),
    ]),
    problems: [
      { path: "$.steps[1].prompt", step: "second", words: ['no output "text"', '"output"', '"thinking"'] },
    ],
  },
  {
    title: "selector with a typo in $inputs",
    definition: workflow([qwen({ images: "$input.image" })]),
    problems: [{ path: "$.steps[0].images", step: "qwen", words: ["did you mean", "$inputs.image"] }],
  },
  {
    title: "step selector without an output",
    definition: workflow([
      qwen(),
      qwen({ name: "second", prompt: "$steps.qwen", task_type: "unconstrained" }),
    ]),
    problems: [
      { path: "$.steps[1].prompt", step: "second", words: ["which output", "$steps.qwen.<output>"] },
    ],
  },
  {
    title: "wildcard selector in a step",
    definition: workflow([
      qwen(),
      qwen({ name: "second", prompt: "$steps.qwen.*", task_type: "unconstrained" }),
    ]),
    problems: [{ path: "$.steps[1].prompt", step: "second", words: ["only be used in outputs", '"output"'] }],
  },
  // Kinds
  {
    title: "image bound to a text output",
    definition: workflow([qwen(), qwen({ name: "second", images: "$steps.qwen.output" })]),
    problems: [
      {
        path: "$.steps[1].images",
        step: "second",
        words: ["[string, language_model_output]", "accepts [image]"],
      },
    ],
  },
  {
    title: "image bound to a parameter of kind list_of_values",
    definition: workflow([qwen({ images: "$inputs.names" })], {
      inputs: [IMAGE, { type: "WorkflowParameter", name: "names", kind: ["list_of_values"] }],
    }),
    problems: [
      {
        path: "$.steps[0].images",
        step: "qwen",
        words: ["[list_of_values]", "accepts [image]", "matching kind"],
      },
    ],
  },
  {
    title: "classes bound to the image",
    definition: workflow([qwen({ task_type: "object-detection", classes: "$inputs.image" })]),
    problems: [{ path: "$.steps[0].classes", step: "qwen", words: ["[image]", "accepts [list_of_values]"] }],
  },
  {
    title: "prompt bound to the classes output, with a hint",
    definition: workflow([
      qwen(),
      qwen({ name: "second", task_type: "unconstrained", prompt: "$steps.qwen.classes" }),
    ]),
    problems: [
      {
        path: "$.steps[1].prompt",
        step: "second",
        words: ["[list_of_values]", "$steps.qwen.output", "$steps.qwen.thinking"],
      },
    ],
  },
  // Graph
  {
    title: "two steps in a cycle",
    definition: workflow(
      [
        qwen({ name: "a", task_type: "unconstrained", prompt: "$steps.b.output" }),
        qwen({ name: "b", task_type: "unconstrained", prompt: "$steps.a.output" }),
      ],
      { outputs: [{ type: "JsonField", name: "out", selector: "$steps.b.output" }] },
    ),
    problems: [{ path: "$.steps[1]", step: "b", words: ["cycle", "b → a → b"] }],
  },
  {
    title: "a step reading itself",
    definition: workflow([qwen({ task_type: "unconstrained", prompt: "$steps.qwen.output" })]),
    problems: [{ path: "$.steps[0]", step: "qwen", words: ["cycle", "qwen → qwen"] }],
  },
  // Levels (lists per image)
  {
    title: "per-crop text joined with a per-image text",
    definition: workflow(
      [
        { type: "test/split@v1", name: "split", image: "$inputs.image" },
        { type: "test/describe@v1", name: "whole", image: "$inputs.image" },
        { type: "test/describe@v1", name: "part", image: "$steps.split.crops" },
        { type: "test/join@v1", name: "join", left: "$steps.whole.text", right: "$steps.part.text" },
      ],
      { outputs: [{ type: "JsonField", name: "out", selector: "$steps.join.text" }] },
    ),
    problems: [
      {
        path: "$.steps[3].left",
        step: "join",
        words: ["one value per input image", 'lists "split" makes', "same level"],
      },
    ],
  },
  {
    title: "elements of two different lists combined",
    definition: workflow(
      [
        { type: "test/split@v1", name: "split_a", image: "$inputs.image" },
        { type: "test/split@v1", name: "split_b", image: "$inputs.image" },
        { type: "test/describe@v1", name: "a", image: "$steps.split_a.crops" },
        { type: "test/describe@v1", name: "b", image: "$steps.split_b.crops" },
        { type: "test/join@v1", name: "join", left: "$steps.a.text", right: "$steps.b.text" },
      ],
      { outputs: [{ type: "JsonField", name: "out", selector: "$steps.join.text" }] },
    ),
    problems: [
      { path: "$.steps[4].right", step: "join", words: ['"split_a"', '"split_b"', "one list per image"] },
    ],
  },
  {
    title: "an output the step's own fields do not name",
    definition: workflow(
      [
        { type: "test/describe@v1", name: "size", image: "$inputs.image" },
        { type: "test/fields@v1", name: "fields", text: "$steps.size.text", fields: ["alpha", "beta"] },
        { type: "test/join@v1", name: "join", left: "$steps.fields.gamma" },
      ],
      { outputs: [{ type: "JsonField", name: "out", selector: "$steps.join.text" }] },
    ),
    problems: [{ path: "$.steps[2].left", step: "join", words: ['no output "gamma"', '"alpha"', '"beta"'] }],
  },
  // Outputs
  {
    title: "output not a JsonField",
    definition: workflow([qwen()], {
      outputs: [{ type: "JsonFields", name: "out", selector: "$steps.qwen.output" }],
    }),
    problems: [{ path: "$.outputs[0].type", words: ['"JsonFields" is not one of', '"JsonField"'] }],
  },
  {
    title: "output without selector",
    definition: workflow([qwen()], { outputs: [{ type: "JsonField", name: "out" }] }),
    problems: [{ path: "$.outputs[0].selector", words: ["is required"] }],
  },
  {
    title: "output naming an unknown step",
    definition: workflow([qwen()], {
      outputs: [{ type: "JsonField", name: "out", selector: "$steps.parser.predictions" }],
    }),
    problems: [{ path: "$.outputs[0].selector", words: ['no step "parser"', '"qwen"'] }],
  },
  {
    title: "output naming an unknown output",
    definition: workflow([qwen()], {
      outputs: [{ type: "JsonField", name: "out", selector: "$steps.qwen.predictions" }],
    }),
    problems: [{ path: "$.outputs[0].selector", words: ['no output "predictions"', '"output"'] }],
  },
  {
    title: "malformed output selector",
    definition: workflow([qwen()], {
      outputs: [{ type: "JsonField", name: "out", selector: "steps.qwen.output" }],
    }),
    problems: [{ path: "$.outputs[0].selector", words: ["not a selector", "$steps.<step>.<output>"] }],
  },
  {
    title: "duplicate output names",
    definition: workflow([qwen()], { outputs: [...OUT, ...OUT] }),
    problems: [{ path: "$.outputs[1].name", words: ['"out" is declared twice'] }],
  },
  {
    title: "output named errors",
    definition: workflow([qwen()], {
      outputs: [{ type: "JsonField", name: "errors", selector: "$steps.qwen.output" }],
    }),
    problems: [{ path: "$.outputs[0].name", words: ["reserved", "rename"] }],
  },
  {
    title: "bad coordinates system",
    definition: workflow([qwen()], {
      outputs: [
        { type: "JsonField", name: "out", selector: "$steps.qwen.output", coordinates_system: "global" },
      ],
    }),
    problems: [{ path: "$.outputs[0].coordinates_system", words: ['"own"', '"parent"'] }],
  },
  // Several problems at once are all reported
  {
    title: "several problems in one definition",
    definition: workflow(
      [
        qwen({ max_tokens: 0 }),
        qwen({ name: "other", type: "roboflow_core/qwen_vlm@v2", images: "$inputs.img" }),
      ],
      { outputs: [{ type: "JsonField", name: "out", selector: "$steps.missing.output" }] },
    ),
    problems: [
      { path: "$.steps[0].max_tokens", step: "qwen", words: ["> 1", "got 0"] },
      { path: "$.steps[1].type", step: "other", words: ["no version", QWEN] },
      { path: "$.outputs[0].selector", words: ['no step "missing"'] },
    ],
  },
];
