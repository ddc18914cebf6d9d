/**
 * The library call behind `qwen-vlm run` and `POST /workflows/run`: compile a workflow definition, run it on
 * the given inputs, and return one JSON-ready object per input image, as the Roboflow inference server does.
 */
import { type CompileOptions, compileWorkflow } from "../engine/compile.js";
import { type ExecuteOptions, executeWorkflow } from "../engine/execute.js";
import { serializeWorkflowResults, type WorkflowResult } from "../engine/results.js";
import type { WorkflowInputs } from "../engine/run-inputs.js";

/** Options of {@link runWorkflow}: the blocks a definition may use, plus how the run goes. */
export interface RunWorkflowOptions extends CompileOptions, ExecuteOptions {}

/**
 * Compiles `definition` (an object or JSON text) and runs it. `inputs` maps input names to values; an image
 * input takes a path, URL, data URL, bytes or `{type: "base64"|"url", value}`, or a list of them (a batch).
 * Throws WorkflowCompileError for a bad definition and InvalidArgumentError for bad inputs, before anything
 * runs; failures while running are reported per image in each result's `errors` (their values are null).
 */
export async function runWorkflow(
  definition: unknown,
  inputs: WorkflowInputs = {},
  options: RunWorkflowOptions = {},
): Promise<WorkflowResult[]> {
  const { registry, ...executeOptions } = options;
  const workflow = compileWorkflow(definition, registry ? { registry } : {});
  return serializeWorkflowResults(await executeWorkflow(workflow, inputs, executeOptions));
}
