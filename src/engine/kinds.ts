/**
 * Kind checks for connections, as in Roboflow Workflows: a selector may bind data to a property when the
 * data's kinds and the property's accepted kinds share one, or when either side is `*` (anything).
 */
import type { Kind } from "../blocks/block.js";

/** The wildcard kind. A parameter input declared without `kind` carries it. */
export const ANY_KIND: Kind = "*";

/** True when data of `offered` kinds may flow into a property accepting `accepted` kinds. */
export function kindsMatch(offered: readonly string[], accepted: readonly string[]): boolean {
  if (offered.includes(ANY_KIND) || accepted.includes(ANY_KIND)) return true;
  return offered.some((kind) => accepted.includes(kind));
}

/** `[string, language_model_output]` for messages. */
export function formatKinds(kinds: readonly string[]): string {
  return `[${kinds.join(", ")}]`;
}

/** A `kind` field of an input (one name or a list) as a list; absent means anything. */
export function normalizeKinds(
  kind: string | readonly string[] | undefined,
  fallback: readonly string[],
): string[] {
  if (kind === undefined) return [...fallback];
  return typeof kind === "string" ? [kind] : [...kind];
}
