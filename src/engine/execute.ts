/**
 * The executor: runs a compiled workflow over a batch. A step starts as soon as every step it reads has
 * finished, independent steps run at the same time up to a limit, and each step runs once over all its
 * elements. A failed element (an unreadable image, a failed model call, a bad value) fails only what depends
 * on it; the other images' results are kept.
 */
import type { BlockContext } from "../blocks/block.js";
import { InvalidArgumentError } from "../errors.js";
import type { CompiledStep, CompiledWorkflow } from "./compiled.js";
import { assembleResults, type WorkflowResult } from "./results.js";
import { prepareInputs, type WorkflowInputs } from "./run-inputs.js";
import { runStep } from "./run-step.js";
import type { Tree } from "./tree.js";

/** Progress of one step: `done` of its `total` elements, and how many steps have finished. */
export interface StepProgress {
  readonly step: string;
  readonly done: number;
  readonly total: number;
  readonly stepsDone: number;
  readonly stepsTotal: number;
}

/** How a run goes: what the blocks receive (environment, fetch, retries, key store), limits and callbacks. */
export interface ExecuteOptions extends Partial<Omit<BlockContext, "onProgress">> {
  /** Steps running at once. Default: WORKFLOWS_MAX_CONCURRENT_STEPS, else 8 (Roboflow's default). */
  readonly maxConcurrentSteps?: number;
  /** Called as elements of a step finish (when the block reports it) and when each step ends. */
  readonly onProgress?: (progress: StepProgress) => void;
}

/** Default number of steps that run at once, as in Roboflow's execution engine. */
export const DEFAULT_MAX_CONCURRENT_STEPS = 8;

/**
 * Runs the workflow; returns one result object per batch element (input image), in input order, with raw
 * values (images, detections). Throws only for problems with the call itself (a missing input, an abort).
 */
export async function executeWorkflow(
  workflow: CompiledWorkflow,
  inputs: WorkflowInputs,
  options: ExecuteOptions = {},
): Promise<WorkflowResult[]> {
  const env = options.env ?? process.env;
  const limit = options.maxConcurrentSteps ?? stepLimitFromEnv(env);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError("maxConcurrentSteps", `must be an integer ≥ 1, got ${limit}`);
  }
  for (const warning of workflow.warnings) options.warn?.(warning);
  const prepared = await prepareInputs(workflow, inputs, {
    env,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const stepTrees = new Map<string, Tree>();
  const data = { inputs: prepared.trees, steps: stepTrees };
  let stepsDone = 0;
  const stepsTotal = workflow.steps.length;
  const { onProgress: _onProgress, maxConcurrentSteps: _limit, ...blockOptions } = options;

  await runInDependencyOrder(workflow.steps, limit, options.signal, async (step) => {
    const context: BlockContext = {
      ...blockOptions,
      env,
      warn: (message) => options.warn?.(`step "${step.name}": ${message}`),
      onProgress: (done, total) =>
        options.onProgress?.({ step: step.name, done, total, stepsDone, stepsTotal }),
    };
    const { tree, elements } = await runStep(step, data, context);
    stepTrees.set(step.name, tree);
    stepsDone += 1;
    options.onProgress?.({ step: step.name, done: elements, total: elements, stepsDone, stepsTotal });
  });

  return assembleResults(workflow.outputs, prepared.batchSize, (output) => {
    const selector = output.selector;
    const tree =
      selector.source === "input" ? prepared.trees.get(selector.input) : stepTrees.get(selector.step);
    if (tree === undefined) throw new Error(`internal: no data for output ${output.name}`);
    return tree;
  });
}

/**
 * Starts each step once the steps it depends on are done, keeping at most `limit` running. Steps become ready
 * in topological order, so ties start in definition order. An abort stops new steps from starting.
 */
async function runInDependencyOrder(
  steps: readonly CompiledStep[],
  limit: number,
  signal: AbortSignal | undefined,
  run: (step: CompiledStep) => Promise<void>,
): Promise<void> {
  const waitingOn = new Map(steps.map((step) => [step.name, new Set(step.dependsOn)]));
  const ready = steps.filter((step) => waitingOn.get(step.name)?.size === 0);
  const running = new Map<string, Promise<string>>();
  let finished = 0;
  while (finished < steps.length) {
    while (ready.length > 0 && running.size < limit) {
      signal?.throwIfAborted();
      const step = ready.shift() as CompiledStep;
      running.set(
        step.name,
        run(step).then(() => step.name),
      );
    }
    const done = await Promise.race(running.values());
    running.delete(done);
    finished += 1;
    for (const step of steps) {
      const waiting = waitingOn.get(step.name) as Set<string>;
      if (waiting.delete(done) && waiting.size === 0) ready.push(step);
    }
  }
}

function stepLimitFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.WORKFLOWS_MAX_CONCURRENT_STEPS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_MAX_CONCURRENT_STEPS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError("WORKFLOWS_MAX_CONCURRENT_STEPS", `must be an integer ≥ 1, got "${raw}"`);
  }
  return value;
}
