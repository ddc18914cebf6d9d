/** Ordering steps by their dependencies, and finding a cycle to name when there is no order. */

/** Steps in an order where each comes after the steps it depends on, or one cycle that prevents it. */
export type GraphOrder =
  | { readonly ok: true; readonly order: string[] }
  | { readonly ok: false; readonly cycle: string[] };

/**
 * Kahn's algorithm. Ties keep definition order, so runs and messages are the same every time.
 * `dependencies` maps each step to the steps whose outputs it reads.
 */
export function orderSteps(
  steps: readonly string[],
  dependencies: ReadonlyMap<string, ReadonlySet<string>>,
): GraphOrder {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const step of steps) {
    const needs = dependencies.get(step) ?? new Set<string>();
    pending.set(step, needs.size);
    for (const need of needs) dependents.set(need, [...(dependents.get(need) ?? []), step]);
  }
  const order: string[] = [];
  const ready = steps.filter((step) => pending.get(step) === 0);
  while (ready.length > 0) {
    const step = ready.shift() as string;
    order.push(step);
    for (const dependent of dependents.get(step) ?? []) {
      const left = (pending.get(dependent) ?? 0) - 1;
      pending.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length === steps.length) return { ok: true, order };
  const stuck = steps.filter((step) => !order.includes(step));
  return { ok: false, cycle: findCycle(stuck, dependencies) };
}

/**
 * Every step left over by Kahn's algorithm depends on another left-over step, so walking dependencies from
 * one of them must revisit a step: the walk from that step on is a cycle. Returned with the first step
 * repeated at the end (a → b → a).
 */
function findCycle(
  stuck: readonly string[],
  dependencies: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const remaining = new Set(stuck);
  const path: string[] = [];
  let current = stuck[0] as string;
  while (!path.includes(current)) {
    path.push(current);
    const next = [...(dependencies.get(current) ?? [])].find((step) => remaining.has(step));
    if (next === undefined) return [...stuck];
    current = next;
  }
  // The walk follows "depends on" edges; reversed, the cycle reads in data-flow order.
  const cycle = path.slice(path.indexOf(current)).reverse();
  return [...cycle, cycle[0] as string];
}
