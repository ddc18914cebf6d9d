/**
 * Running one step over all its elements (every image, or every crop of every image) in one call of the block:
 * resolve each element's bound values, check them as the compiler checked the literals, run the block on the
 * elements that are ready, and place each result (or failure) at its element's position.
 */
import type { BlockContext, ElementResult } from "../blocks/block.js";
import { checkProperties } from "../blocks/properties.js";
import { InvalidArgumentError, StepExecutionError } from "../errors.js";
import type { CompiledBinding, CompiledStep } from "./compiled.js";
import { describeValue } from "./parse-definition.js";
import { descend, ElementFailure, isLeaf, leaf, mapShape, type Tree } from "./tree.js";

/** Data produced so far: input trees by input name, step trees (leaves are output records) by step name. */
export interface RunData {
  readonly inputs: ReadonlyMap<string, Tree>;
  readonly steps: ReadonlyMap<string, Tree>;
}

/** What a step produced: its output tree (leaves are records of its outputs) and how many elements it had. */
export interface StepRun {
  readonly tree: Tree;
  readonly elements: number;
}

/** Runs `step` over every element of its level. */
export async function runStep(step: CompiledStep, data: RunData, context: BlockContext): Promise<StepRun> {
  const driver = step.bindings.find((binding) => binding.dimensionality === step.dimensionality);
  const shape = driver && step.dimensionality > 0 ? treeOf(driver, data) : leaf(undefined);
  const elements: Array<{ key: string; params: Record<string, unknown> }> = [];
  const outcomes = new Map<string, Tree>();
  mapShape(shape, step.dimensionality, (path) => {
    const key = path.join(",");
    const params = elementParams(step, path, data);
    if (params === SKIPPED)
      outcomes.set(key, step.outputDimensionality > step.dimensionality ? [] : leaf(undefined));
    else if (params instanceof ElementFailure) outcomes.set(key, params);
    else elements.push({ key, params });
    return leaf(undefined);
  });

  const results =
    elements.length > 0
      ? await runBlock(
          step,
          elements.map((element) => element.params),
          context,
        )
      : [];
  elements.forEach((element, index) => {
    outcomes.set(element.key, toTree(step, results[index] as ElementResult | ElementFailure));
  });
  const tree = mapShape(shape, step.dimensionality, (path) => outcomes.get(path.join(",")) as Tree);
  return { tree, elements: outcomes.size };
}

function treeOf(binding: CompiledBinding, data: RunData): Tree {
  const selector = binding.selector;
  const tree = selector.source === "input" ? data.inputs.get(selector.input) : data.steps.get(selector.step);
  if (tree === undefined) throw new Error(`internal: no data for ${selector.text} yet`);
  return tree;
}

/**
 * Marks an element with nothing to work on: a per-element property (an image, a model output) bound to a step
 * output that is null there, such as a crop of a box with no pixels. As in Roboflow's engine, such an element
 * is not run and its outputs are null (an empty list for list-making blocks), without an error.
 */
const SKIPPED = Symbol("skipped");

/** The element's properties: literals plus bound values, checked; or the failure that stops it. */
function elementParams(
  step: CompiledStep,
  path: readonly number[],
  data: RunData,
): Record<string, unknown> | ElementFailure | typeof SKIPPED {
  const raw: Record<string, unknown> = { ...step.literals };
  for (const binding of step.bindings) {
    const node = descend(treeOf(binding, data), path.slice(0, binding.dimensionality));
    if (node instanceof ElementFailure) return node;
    if (!isLeaf(node))
      throw new Error(`internal: ${binding.selector.text} is nested deeper than step "${step.name}" reads`);
    const selector = binding.selector;
    const value =
      selector.source === "step"
        ? (node.value as Record<string, unknown> | undefined)?.[selector.output]
        : node.value;
    if (
      value == null &&
      selector.source === "step" &&
      step.block.manifest.properties[binding.property]?.batch
    ) {
      return SKIPPED;
    }
    raw[binding.key] = value;
  }
  // Same check as at compile time, now with every value known: a bad selector value fails this element only.
  const { values, problems } = checkProperties(step.block.manifest, raw);
  const problem = problems[0];
  if (!problem) return values;
  const binding = step.bindings.find((candidate) => candidate.property === problem.property);
  const property = binding ? `${problem.property} (from ${binding.selector.text})` : problem.property;
  const got = binding ? ` (got ${describeValue(raw[binding.key])})` : "";
  const message = /got /.test(problem.message) || !binding ? problem.message : `${problem.message}${got}`;
  return new ElementFailure(
    new StepExecutionError(
      step.name,
      step.type,
      new InvalidArgumentError(property, message, problem.validValues),
    ),
    { step: step.name },
  );
}

/** Calls the block once for all ready elements; a throw or a wrong result count fails them all. */
async function runBlock(
  step: CompiledStep,
  batch: Array<Record<string, unknown>>,
  context: BlockContext,
): Promise<Array<ElementResult | ElementFailure>> {
  const fail = (cause: unknown) =>
    new ElementFailure(new StepExecutionError(step.name, step.type, cause), { step: step.name });
  try {
    const results = await step.block.run(batch, context);
    if (!Array.isArray(results) || results.length !== batch.length) {
      const count = Array.isArray(results) ? results.length : "no list of";
      const failure = fail(
        new Error(`the block returned ${count} results for ${batch.length} elements (a bug in the block)`),
      );
      return batch.map(() => failure);
    }
    return results;
  } catch (error) {
    const failure = fail(error);
    return batch.map(() => failure);
  }
}

/** One element's result as a tree node: a record leaf, or for list-making blocks a list of record leaves. */
function toTree(step: CompiledStep, result: ElementResult | ElementFailure): Tree {
  if (result instanceof ElementFailure) return result;
  if (result instanceof Error)
    return new ElementFailure(new StepExecutionError(step.name, step.type, result), { step: step.name });
  if (step.outputDimensionality === step.dimensionality) return leaf(result);
  const inner = innerRecords(step, result);
  if (inner instanceof Error)
    return new ElementFailure(new StepExecutionError(step.name, step.type, inner), { step: step.name });
  return inner.map(leaf);
}

/**
 * A list-making block (dimensionality offset 1) returns, per element, either a list of output records (one per
 * inner element, Roboflow's shape) or one record whose outputs are lists of equal length.
 */
function innerRecords(step: CompiledStep, result: unknown): Array<Record<string, unknown>> | Error {
  if (Array.isArray(result)) return result as Array<Record<string, unknown>>;
  const record = result as Record<string, unknown>;
  const names = step.block.manifest.outputs.map((output) => output.name);
  const lists = names.map((name) => record[name]);
  const length = Array.isArray(lists[0]) ? lists[0].length : -1;
  if (lists.some((list) => !Array.isArray(list) || list.length !== length)) {
    return new Error(
      `the block makes a list per element, but its outputs (${names.join(", ")}) are not lists of equal length (a bug in the block)`,
    );
  }
  return Array.from({ length }, (_, index) =>
    Object.fromEntries(names.map((name, position) => [name, (lists[position] as unknown[])[index]])),
  );
}
