/**
 * The generated tiny Qwen-VL models load and run in @huggingface/transformers 4.3.1 the way real exports
 * do: the processor's smart resize and <|image_pad|> expansion, each family's prompt format, greedy
 * generation with its key/value (and, for Qwen3.5, conv/recurrent) cache, and end-of-sequence handling.
 */
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  env,
  ones,
  type PreTrainedModel,
  type Processor,
  RawImage,
  Tensor,
} from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { SHARED_IMAGES } from "../support/images.js";
import {
  TINY_MODEL_FAMILIES,
  TINY_MODELS_ROOT,
  type TinyModelFamily,
  tinyModelDir,
} from "../support/tiny-models.js";

const IMAGE_PAD = 151655n;
const THINK = 151667n;
const END_THINK = 151668n;
const EOS_IDS = [151645n, 151643n];

/** Smart-resize factor (patch × merge) and patch size per family, from the real preprocessor configs. */
const GEOMETRY: Record<TinyModelFamily, { factor: number; patch: number }> = {
  qwen2_5_vl: { factor: 28, patch: 14 },
  qwen3_vl: { factor: 32, patch: 16 },
  qwen3_5: { factor: 32, patch: 16 },
};

/** What the processor returns for text + image. */
interface ProcessedInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
  pixel_values: Tensor;
  image_grid_thw: Tensor;
  reshaped_input_sizes: [number, number][];
}

const SYSTEM = { role: "system", content: "Answer briefly." };
const USER = {
  role: "user",
  content: [{ type: "image" }, { type: "text", text: "What is in this image?" }],
};
const USER_TURN =
  "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is in this image?<|im_end|>\n";

/** The prompt each real template renders for [system?, user]; see tools/tiny-models/chat-templates.ts. */
const EXPECTED_PROMPTS: Record<TinyModelFamily, { withSystem: string; withoutSystem: string }> = {
  qwen2_5_vl: {
    withSystem: `<|im_start|>system\nAnswer briefly.<|im_end|>\n${USER_TURN}<|im_start|>assistant\n`,
    withoutSystem: `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n${USER_TURN}<|im_start|>assistant\n`,
  },
  qwen3_vl: {
    withSystem: `<|im_start|>system\nAnswer briefly.<|im_end|>\n${USER_TURN}<|im_start|>assistant\n`,
    withoutSystem: `${USER_TURN}<|im_start|>assistant\n`,
  },
  qwen3_5: {
    withSystem: `<|im_start|>system\nAnswer briefly.<|im_end|>\n${USER_TURN}<|im_start|>assistant\n<think>\n\n</think>\n\n`,
    withoutSystem: `${USER_TURN}<|im_start|>assistant\n<think>\n\n</think>\n\n`,
  },
};

function newTokens(sequences: Tensor, promptLength: number): bigint[] {
  return (sequences.tolist() as bigint[][])[0]?.slice(promptLength) ?? [];
}

function argmaxRows(logits: Tensor): bigint[] {
  const [, rows = 0, vocab = 0] = logits.dims;
  const data = logits.data as Float32Array;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let id = 1; id < vocab; id++)
      if ((data[row * vocab + id] ?? 0) > (data[row * vocab + best] ?? 0)) best = id;
    return BigInt(best);
  });
}

describe.each(TINY_MODEL_FAMILIES)("tiny %s model", (family) => {
  let processor: Processor;
  let model: PreTrainedModel;
  let image: RawImage;
  let inputs: ProcessedInputs;
  let promptLength: number;

  const render = (messages: object[], options: Record<string, unknown> = {}) =>
    processor.apply_chat_template(messages as never, {
      add_generation_prompt: true,
      ...options,
    }) as unknown as string;
  const preprocess = async (text: string, picture: RawImage) =>
    (await (processor as unknown as (t: string, i: RawImage) => Promise<ProcessedInputs>)(
      text,
      picture,
    )) as ProcessedInputs;
  const generate = async (options: Record<string, unknown>, from = inputs) =>
    newTokens(
      (await model.generate({ ...from, do_sample: false, ...options } as never)) as Tensor,
      promptLength,
    );

  beforeAll(async () => {
    await tinyModelDir(family);
    env.allowRemoteModels = false;
    env.localModelPath = TINY_MODELS_ROOT;
    processor = await AutoProcessor.from_pretrained(family);
    model = await AutoModelForImageTextToText.from_pretrained(family, { dtype: "fp32", device: "cpu" });
    image = await RawImage.read(`${SHARED_IMAGES}dogs.jpg`);
    inputs = await preprocess(render([SYSTEM, USER]), image);
    promptLength = inputs.input_ids.dims[1] ?? 0;
  });

  it("renders the real model's prompt for a system message and an image + text user message", () => {
    expect(render([SYSTEM, USER])).toBe(EXPECTED_PROMPTS[family].withSystem);
    expect(render([USER])).toBe(EXPECTED_PROMPTS[family].withoutSystem);
  });

  it("smart-resizes to multiples of the family's factor and expands <|image_pad|> to one token per merged patch", () => {
    const { factor, patch } = GEOMETRY[family];
    const [height = 0, width = 0] = inputs.reshaped_input_sizes[0] ?? [];
    // dogs.jpg is 640×427; each side rounds to the nearest multiple of the factor (well inside the budget).
    expect([height, width]).toEqual([Math.round(427 / factor) * factor, Math.round(640 / factor) * factor]);
    expect(inputs.image_grid_thw.tolist()).toEqual([[1n, BigInt(height / patch), BigInt(width / patch)]]);
    const ids = (inputs.input_ids.tolist() as bigint[][])[0] ?? [];
    expect(ids.filter((id) => id === IMAGE_PAD)).toHaveLength((height / factor) * (width / factor));
    expect(inputs.pixel_values.dims).toEqual([(height / patch) * (width / patch), 3 * 2 * patch * patch]);
    // Normalized pixels go below zero; without `do_normalize` they would stay in [0, 1].
    expect((inputs.pixel_values.data as Float32Array).some((value) => value < 0)).toBe(true);
  });

  it("generates max_new_tokens tokens, the same ones on every run", async () => {
    const first = await generate({ max_new_tokens: 8 });
    const second = await generate({ max_new_tokens: 8 });
    expect(second).toEqual(first);
    const eosAt = first.findIndex((id) => EOS_IDS.includes(id));
    expect(first).toHaveLength(eosAt === -1 ? 8 : eosAt + 1);
  });

  it("stops right after an end-of-sequence token", async () => {
    const tokens = await generate({ max_new_tokens: 8 });
    const stopAt = tokens.findIndex((id, index) => index > 0 && !tokens.slice(0, index).includes(id));
    expect(stopAt).toBeGreaterThan(0);
    const stopped = await generate({ max_new_tokens: 8, eos_token_id: Number(tokens[stopAt]) });
    expect(stopped).toEqual(tokens.slice(0, stopAt + 1));
  });

  it("decodes with its cache exactly as a full forward pass over the same tokens", async () => {
    const count = 6;
    const tokens = await generate({ max_new_tokens: count, repetition_penalty: 1.0 });
    const prompt = (inputs.input_ids.tolist() as bigint[][])[0] ?? [];
    const sequence = [...prompt, ...tokens.slice(0, -1)];
    const { logits } = (await (model as unknown as (x: object) => Promise<{ logits: Tensor }>)({
      ...inputs,
      input_ids: new Tensor("int64", BigInt64Array.from(sequence), [1, sequence.length]),
      attention_mask: ones([1, sequence.length]),
      num_logits_to_keep: new Tensor("int64", [BigInt(tokens.length)], []),
    })) as { logits: Tensor };
    expect(argmaxRows(logits)).toEqual(tokens);
  });

  it("lets the image reach the decoder: another picture, other tokens", async () => {
    const car = await preprocess(render([SYSTEM, USER]), await RawImage.read(`${SHARED_IMAGES}car.jpg`));
    const withCar = newTokens(
      (await model.generate({ ...car, do_sample: false, max_new_tokens: 4 } as never)) as Tensor,
      car.input_ids.dims[1] ?? 0,
    );
    expect(withCar).not.toEqual(await generate({ max_new_tokens: 4 }));
  });
});

describe("tiny qwen3_5 model: thinking mode", () => {
  let processor: Processor;

  beforeAll(async () => {
    processor = await AutoProcessor.from_pretrained(await tinyModelDir("qwen3_5"));
  });

  const render = (options: Record<string, unknown>) =>
    processor.apply_chat_template([SYSTEM, USER] as never, {
      add_generation_prompt: true,
      ...options,
    }) as unknown as string;

  it("opens a think block only when enable_thinking is true, like the real Qwen3.5 2B template", () => {
    const base = `<|im_start|>system\nAnswer briefly.<|im_end|>\n${USER_TURN}<|im_start|>assistant\n`;
    expect(render({ enable_thinking: true })).toBe(`${base}<think>\n`);
    expect(render({ enable_thinking: false })).toBe(`${base}<think>\n\n</think>\n\n`);
    expect(render({})).toBe(`${base}<think>\n\n</think>\n\n`);
  });

  it("tokenizes <think> and </think> as single tokens", () => {
    const tokenizer = processor.tokenizer as unknown as (text: string) => { input_ids: Tensor };
    const ids = (tokenizer(render({ enable_thinking: false })).input_ids.tolist() as bigint[][])[0] ?? [];
    expect(ids.slice(-4)).toEqual([THINK, 271n, END_THINK, 271n]);
  });

  it("declares conv and recurrent states for linear-attention layers and key/values for full-attention ones", async () => {
    const model = await AutoModelForImageTextToText.from_pretrained(await tinyModelDir("qwen3_5"), {
      dtype: "q4",
      device: "cpu",
    });
    const session = (model as unknown as { sessions: Record<string, { inputNames: string[] }> }).sessions;
    const caches = session.decoder_model_merged?.inputNames.filter((name) => name.startsWith("past"));
    expect(caches).toEqual([
      ...[0, 1, 2].flatMap((layer) => [`past_conv.${layer}`, `past_recurrent.${layer}`]),
      "past_key_values.3.key",
      "past_key_values.3.value",
    ]);
    await model.dispose();
  });
});
