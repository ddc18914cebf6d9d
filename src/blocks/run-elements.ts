/**
 * Running a block's work element by element with failures kept apart: an element that throws becomes an Error
 * in its own slot (the engine reports it for that element alone) and the others carry on.
 */
import { mapSettledWithLimit } from "../util/concurrency.js";
import type { BlockContext, ElementResult } from "./block.js";

/**
 * Elements whose work decodes or encodes pixels at once. sharp already spreads one image over its own thread
 * pool, so a few at a time keeps every core busy without holding a whole batch of decoded images in memory.
 */
export const PIXEL_WORK_CONCURRENCY = 4;

/** Calls `work` for each element (at most `limit` at once) and returns one result or Error per element, in order. */
export async function runElements<Params>(
  batch: readonly Params[],
  context: BlockContext,
  work: (params: Params, index: number) => ElementResult | Promise<ElementResult>,
  limit = PIXEL_WORK_CONCURRENCY,
): Promise<ElementResult[]> {
  const settled = await mapSettledWithLimit(
    batch,
    limit,
    async (params, index) => {
      context.signal?.throwIfAborted();
      return work(params, index);
    },
    context.onProgress,
  );
  return settled.map((outcome) => {
    if (outcome.ok) return outcome.value;
    return outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
  });
}
