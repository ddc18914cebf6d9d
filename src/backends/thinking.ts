/**
 * Splitting a Qwen reasoning trace (`<think>…</think>`) from the answer. Qwen3.5's chat template opens the
 * `<think>` block in the prompt when thinking is on, so generated text often has only the closing tag; hosted
 * models may leave a whole block in `content`. Conformance: ../shared/conformance/thinking.json.
 */

/** The answer and the reasoning trace ("" when there is none). */
export interface ThinkingSplit {
  readonly answer: string;
  readonly thinking: string;
}

// Chat-template control tokens that a raw decode can leave at the end of the text.
const CONTROL_TOKENS = /<\|(?:im_end|endoftext|im_start)\|>/g;

/**
 * Splits generated text into answer and thinking.
 * `traceOpenedInPrompt`: the prompt already ended with `<think>` (native thinking mode), so text without a
 * closing tag is all thinking — the model ran out of tokens before answering.
 */
export function splitThinking(raw: string, options: { traceOpenedInPrompt?: boolean } = {}): ThinkingSplit {
  const text = raw.replace(CONTROL_TOKENS, "");
  const close = text.indexOf("</think>");
  if (close >= 0) {
    const trace = text.slice(0, close).replace(/^\s*<think>/, "");
    return { thinking: trace.trim(), answer: text.slice(close + "</think>".length).trim() };
  }
  const open = text.indexOf("<think>");
  if (open >= 0) {
    // An opened, never closed trace: everything after the tag was thinking; what came before is the answer.
    return { answer: text.slice(0, open).trim(), thinking: text.slice(open + "<think>".length).trim() };
  }
  if (options.traceOpenedInPrompt) return { answer: "", thinking: text.trim() };
  return { answer: text.trim(), thinking: "" };
}

/** Joins reasoning from separate sources (a `reasoning` field, tags left in content), skipping empty ones. */
export function joinThinking(...parts: readonly (string | undefined)[]): string {
  return parts
    .map((part) => part?.trim() ?? "")
    .filter((part) => part !== "")
    .join("\n\n");
}
