/**
 * Selectors: the strings that connect a step property or an output to data — `$inputs.<name>`,
 * `$steps.<step>.<output>`, and in outputs `$steps.<step>.*` (every output of the step).
 */

/** A parsed selector. */
export type Selector =
  | { readonly source: "input"; readonly text: string; readonly input: string }
  | { readonly source: "step"; readonly text: string; readonly step: string; readonly output: string };

/** The result of parsing: a selector, or why the text is not one (with a fix). */
export type SelectorParse =
  | { readonly ok: true; readonly selector: Selector }
  | { readonly ok: false; readonly message: string };

const INPUT_SELECTOR = /^\$inputs\.([A-Za-z0-9_-]+)$/;
const STEP_SELECTOR = /^\$steps\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+|\*)$/;
// What people mean to be a selector: "$" then a word then a dot ("$input.image", "$steps.qwen").
// A prompt such as "$5 off" is left alone as plain text.
const SELECTOR_LIKE = /^\$[A-Za-z_]+(\.|$)/;

/** True for values that are meant as selectors (well-formed or not); everything else is a literal. */
export function looksLikeSelector(value: unknown): value is string {
  return typeof value === "string" && SELECTOR_LIKE.test(value);
}

/** Parses a selector, explaining what is wrong with a malformed one. */
export function parseSelector(text: string): SelectorParse {
  const input = INPUT_SELECTOR.exec(text);
  if (input?.[1]) return { ok: true, selector: { source: "input", text, input: input[1] } };
  const step = STEP_SELECTOR.exec(text);
  if (step?.[1] && step[2])
    return { ok: true, selector: { source: "step", text, step: step[1], output: step[2] } };
  return { ok: false, message: explainMalformed(text) };
}

function explainMalformed(text: string): string {
  const [head, ...rest] = text.split(".");
  const form = "write $inputs.<input> or $steps.<step>.<output>";
  if (head === "$input" || head === "$step") {
    const fixed = `${head}s${text.slice(head.length)}`;
    return `"${text}" is not a selector (did you mean "${fixed}"?); ${form}`;
  }
  if (head === "$steps" && rest.length === 1) {
    return `"${text}" names a step but not which output: write $steps.${rest[0]}.<output> (or $steps.${rest[0]}.* in outputs)`;
  }
  if (head === "$steps" || head === "$inputs") {
    return `"${text}" is not a valid selector: names use letters, digits, _ and -; ${form}`;
  }
  return `"${text}" is not a selector: ${form}`;
}
