/**
 * What the VLM parser blocks return for one element, as Roboflow's do: `error_status`, `predictions` (null when
 * parsing failed) and an `inference_id` made per element and present even on failure. The parser's notes and
 * its reason for failing go to the run's warnings, so an `error_status` never hides why.
 */
import { randomUUID } from "node:crypto";
import type { BlockContext } from "../block.js";

/** What every parse function reports besides its prediction. */
export interface ParseReport {
  readonly errorStatus: boolean;
  readonly error?: string;
  readonly warnings: readonly string[];
}

/**
 * The element's outputs. `predictions` builds the prediction from the inference id (the classifier puts the id
 * inside it); it is not called when parsing failed.
 */
export function parserOutputs<P>(
  report: ParseReport,
  parsed: P | null | undefined,
  predictions: (parsed: P, inferenceId: string) => unknown,
  where: { type: string; index: number; context: BlockContext },
): Record<string, unknown> {
  const inferenceId = randomUUID();
  const prefix = `${where.type}, element ${where.index}`;
  for (const note of report.warnings) where.context.warn?.(`${prefix}: ${note}`);
  if (report.errorStatus || parsed === null || parsed === undefined) {
    where.context.warn?.(`${prefix}: error_status is true: ${report.error ?? "nothing was parsed"}`);
    return { error_status: true, predictions: null, inference_id: inferenceId };
  }
  return { error_status: false, predictions: predictions(parsed, inferenceId), inference_id: inferenceId };
}
