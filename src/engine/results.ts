/**
 * The result of a run: one object per input image, keyed by output name, as the Roboflow inference server
 * returns it. A value that could not be computed is null, and the object's `errors` list says why (which
 * output, which step or input failed, at which inner position for per-crop outputs).
 */
import { QwenVlmError, StepExecutionError } from "../errors.js";
import { isDetections, serializeDetections, toRootCoordinates } from "../vision/detections.js";
import { isWorkflowImage, type WorkflowImage } from "../vision/image.js";
import type { CompiledOutput } from "./compiled.js";
import { descend, ElementFailure, isLeaf, type Tree } from "./tree.js";

/** Why one output value (or one element of a per-crop output list) is null. */
export interface WorkflowOutputError {
  /** The output whose value is missing. */
  readonly output: string;
  /** Position inside the output's list, for outputs that are a list per image (crops); absent otherwise. */
  readonly index?: number[];
  /** The step that failed… */
  readonly step?: string;
  /** …or the input that could not be used (an image that does not load). */
  readonly input?: string;
  /** Stable error code of the cause: `image`, `api_call`, `invalid_argument`, `step_execution` (the block's own error)… */
  readonly code: string;
  readonly message: string;
}

/**
 * One input image's outputs, by output name. `errors` is present only when something failed. Values are raw
 * (images, detections) from {@link executeWorkflow}; {@link serializeWorkflowResult} makes them JSON.
 */
export type WorkflowResult = { [output: string]: unknown } & { errors?: WorkflowOutputError[] };

/** Builds the result objects, one per batch element, from the run's data. */
export function assembleResults(
  outputs: readonly CompiledOutput[],
  batchSize: number,
  treeOf: (output: CompiledOutput) => Tree,
): WorkflowResult[] {
  return Array.from({ length: batchSize }, (_, image) => {
    const result: WorkflowResult = {};
    const errors: WorkflowOutputError[] = [];
    for (const output of outputs) {
      const tree = treeOf(output);
      const node = output.dimensionality === 0 ? tree : descend(tree, [image]);
      const pick = valuePicker(output);
      result[output.name] = materialize(
        node,
        [],
        (failure, index) => errors.push(describeFailure(output.name, failure, index)),
        pick,
      );
    }
    if (errors.length > 0) result.errors = errors;
    return result;
  });
}

function valuePicker(output: CompiledOutput): (value: unknown) => unknown {
  const selector = output.selector;
  const inCoordinates =
    output.coordinatesSystem === "parent" ? toParentCoordinates : (value: unknown) => value;
  if (selector.source === "input") return (value) => value;
  if (selector.output === "*") return inCoordinates;
  return (value) => inCoordinates((value as Record<string, unknown> | undefined)?.[selector.output]);
}

/**
 * `coordinates_system: "parent"` (Roboflow's default): detections made on crops are given in the original
 * image's coordinates. A step's whole record (`$steps.s.*`) has its detections converted member by member.
 */
function toParentCoordinates(value: unknown): unknown {
  if (isDetections(value)) return toRootCoordinates(value);
  if (value && typeof value === "object" && !Array.isArray(value) && !isWorkflowImage(value)) {
    const record = value as Record<string, unknown>;
    if (Object.values(record).some(isDetections)) {
      return Object.fromEntries(
        Object.entries(record).map(([key, member]) => [key, toParentCoordinates(member)]),
      );
    }
  }
  return value;
}

function materialize(
  node: Tree,
  index: number[],
  onFailure: (failure: ElementFailure, index: number[]) => void,
  pick: (value: unknown) => unknown,
): unknown {
  if (node instanceof ElementFailure) {
    onFailure(node, index);
    return null;
  }
  if (isLeaf(node)) return pick(node.value) ?? null;
  return (node as readonly Tree[]).map((child, position) =>
    materialize(child, [...index, position], onFailure, pick),
  );
}

function describeFailure(output: string, failure: ElementFailure, index: number[]): WorkflowOutputError {
  const error = failure.error;
  return {
    output,
    ...(index.length > 0 ? { index } : {}),
    ...failure.origin,
    code: errorCode(error),
    message: error.message,
  };
}

/**
 * The most telling code: a step failure reports its cause's code (`api_call`, `invalid_argument`, `image`…)
 * when the cause is one of ours, since the step is named separately.
 */
function errorCode(error: Error): string {
  if (error instanceof StepExecutionError && error.cause instanceof QwenVlmError) return error.cause.code;
  return error instanceof QwenVlmError ? error.code : "internal";
}

/** The results with every value in JSON form (see {@link serializeValue}). */
export function serializeWorkflowResults(results: readonly WorkflowResult[]): WorkflowResult[] {
  return results.map(serializeWorkflowResult);
}

/** One result object with every value in JSON form; `errors` is kept as is. */
export function serializeWorkflowResult(result: WorkflowResult): WorkflowResult {
  const serialized: WorkflowResult = {};
  for (const [name, value] of Object.entries(result)) {
    serialized[name] = name === "errors" ? value : serializeValue(value);
  }
  return serialized;
}

/**
 * A value as the Roboflow inference server serializes it: images as `{"type": "base64", "value": …}`,
 * detections as `{"image": {width, height}, "predictions": [...]}` (centre-based boxes), lists and objects
 * member by member; everything else (strings, classification objects) as it is.
 */
export function serializeValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isWorkflowImage(value)) return serializeImage(value);
  if (isDetections(value)) return serializeDetections(value);
  if (Array.isArray(value)) return value.map(serializeValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, serializeValue(member)]));
}

function serializeImage(image: WorkflowImage): { type: "base64"; value: string } {
  return { type: "base64", value: image.bytes.toString("base64") };
}
