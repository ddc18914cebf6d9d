/**
 * The shortest loop that runs a transformers.js-layout Qwen-VL export on bare onnxruntime-node sessions —
 * embed_tokens → vision_encoder → decoder_model_merged with its cache, greedy — to measure what the
 * sessions alone cost, next to the same files run through our runtime (bench/native.ts). It feeds what
 * transformers.js 4.3.1 feeds (tools/tiny-models/README.md, "Forward pass"), with multimodal rope positions
 * as get_rope_index computes them for one image.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { AutoProcessor, type RawImage, type Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";

/** The three sessions of one export. */
export interface RawSessions {
  embed: ort.InferenceSession;
  vision: ort.InferenceSession;
  decoder: ort.InferenceSession;
  release(): Promise<void>;
}

/** ONNX file names, per session (e.g. `decoder_model_merged_q4.onnx`). */
export interface RawFiles {
  embed: string;
  vision: string;
  decoder: string;
}

/** The prompt the processor made: token ids, patches and grid of one image. */
export interface RawPrompt {
  inputIds: BigInt64Array;
  pixelValues: ort.Tensor;
  imageGridThw: ort.Tensor;
}

/** Token ids and the time each phase took. */
export interface RawResult {
  tokens: bigint[];
  /** Embedding, vision encoder and prefill, up to the first token's argmax. */
  firstTokenMs: number;
  visionMs: number;
  /** Each decoding step after the first token. */
  stepMs: number[];
}

/**
 * The prompt for [system, user(image, text)] as our runtime renders it, made by the folder's own processor
 * (not timed: the raw path measures the sessions), and the model's image token id.
 */
export async function prepareRawPrompt(
  folder: string,
  image: RawImage,
  chat: { system: string; user: string },
): Promise<{ prompt: RawPrompt; imageToken: bigint }> {
  interface Processor {
    (text: string, image: RawImage): Promise<Record<"input_ids" | "pixel_values" | "image_grid_thw", Tensor>>;
    apply_chat_template(messages: object[], options: object): unknown;
  }
  const processor = (await AutoProcessor.from_pretrained(folder, {
    local_files_only: true,
  })) as unknown as Processor;
  const messages = [
    { role: "system", content: chat.system },
    { role: "user", content: [{ type: "image" }, { type: "text", text: chat.user }] },
  ];
  const text = String(
    processor.apply_chat_template(messages, { add_generation_prompt: true, enable_thinking: false }),
  );
  const { input_ids, pixel_values, image_grid_thw } = await processor(text, image);
  const config = JSON.parse(await readFile(path.join(folder, "config.json"), "utf8")) as {
    image_token_id: number;
  };
  return {
    prompt: {
      inputIds: input_ids.data as BigInt64Array,
      pixelValues: new ort.Tensor("float32", pixel_values.data as Float32Array, pixel_values.dims),
      imageGridThw: new ort.Tensor("int64", image_grid_thw.data as BigInt64Array, image_grid_thw.dims),
    },
    imageToken: BigInt(config.image_token_id),
  };
}

/** Creates the sessions from `folder/onnx/<file>` with the given session options. */
export async function loadRawSessions(
  folder: string,
  files: RawFiles,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<RawSessions> {
  const create = (file: string) =>
    ort.InferenceSession.create(path.join(folder, "onnx", file), { executionProviders: ["cpu"], ...options });
  const embed = await create(files.embed);
  const vision = await create(files.vision);
  const decoder = await create(files.decoder);
  return {
    embed,
    vision,
    decoder,
    release: async () => {
      await Promise.all([embed.release(), vision.release(), decoder.release()]);
    },
  };
}

/** Text tokens count up in all three rows; an image's tokens take its merged grid; text resumes after it. */
function ropePositions(ids: BigInt64Array, imageToken: bigint, gridHeight: number, gridWidth: number) {
  const rows = [0, 1, 2].map(() => new BigInt64Array(ids.length));
  let next = 0;
  for (let index = 0; index < ids.length; ) {
    if (ids[index] === imageToken) {
      const count = gridHeight * gridWidth;
      for (let k = 0; k < count; k++, index++) {
        (rows[0] as BigInt64Array)[index] = BigInt(next);
        (rows[1] as BigInt64Array)[index] = BigInt(next + Math.floor(k / gridWidth));
        (rows[2] as BigInt64Array)[index] = BigInt(next + (k % gridWidth));
      }
      next += Math.max(gridHeight, gridWidth);
    } else {
      for (const row of rows) row[index] = BigInt(next);
      next++;
      index++;
    }
  }
  const flat = new BigInt64Array(3 * ids.length);
  rows.forEach((row, index) => {
    flat.set(row, index * ids.length);
  });
  return { positions: new ort.Tensor("int64", flat, [3, 1, ids.length]), ropeDelta: next - ids.length };
}

/** Empty caches from the decoder's input metadata: `batch_size` → 1, other symbolic dims → 0. */
export function emptyCaches(decoder: ort.InferenceSession): Record<string, ort.Tensor> {
  const caches: Record<string, ort.Tensor> = {};
  for (const input of decoder.inputMetadata) {
    if (!input.name.startsWith("past") || !input.isTensor) continue;
    const dims = input.shape.map((dim) => (typeof dim === "number" ? dim : dim === "batch_size" ? 1 : 0));
    caches[input.name] = new ort.Tensor("float32", new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  return caches;
}

/** present.{i}.key → past_key_values.{i}.key, present_conv.{i} → past_conv.{i}, and so on. */
export function pastName(output: string): string {
  return output.startsWith("present.")
    ? output.replace("present.", "past_key_values.")
    : output.replace("present", "past");
}

function argmaxLast(logits: ort.Tensor): bigint {
  const data = logits.data as Float32Array;
  const vocab = logits.dims.at(-1) ?? data.length;
  let best = data.length - vocab;
  for (let index = best + 1; index < data.length; index++)
    if ((data[index] ?? 0) > (data[best] ?? 0)) best = index;
  return BigInt(best - (data.length - vocab));
}

/** Greedy generation of `maxNewTokens` tokens for one image prompt. */
export async function rawGenerate(
  sessions: RawSessions,
  prompt: RawPrompt,
  imageToken: bigint,
  maxNewTokens: number,
): Promise<RawResult> {
  const { embed, vision, decoder } = sessions;
  const embedIds = async (ids: BigInt64Array) =>
    (await embed.run({ input_ids: new ort.Tensor("int64", ids, [1, ids.length]) }))
      .inputs_embeds as ort.Tensor;
  const started = performance.now();
  const embeds = await embedIds(prompt.inputIds);
  const visionStarted = performance.now();
  const { image_features: features } = await vision.run({
    pixel_values: prompt.pixelValues,
    image_grid_thw: prompt.imageGridThw,
  });
  const visionMs = performance.now() - visionStarted;
  // Image features replace the <|image_pad|> rows, in order.
  const hidden = embeds.dims.at(-1) ?? 0;
  const rows = embeds.data as Float32Array;
  const featureRows = (features as ort.Tensor).data as Float32Array;
  let used = 0;
  prompt.inputIds.forEach((id, index) => {
    if (id !== imageToken) return;
    rows.set(featureRows.subarray(used * hidden, (used + 1) * hidden), index * hidden);
    used++;
  });
  const [, gridHeight = 0, gridWidth = 0] = Array.from(prompt.imageGridThw.data as BigInt64Array, Number);
  const { positions, ropeDelta } = ropePositions(prompt.inputIds, imageToken, gridHeight / 2, gridWidth / 2);

  const keepOne = new ort.Tensor("int64", BigInt64Array.of(1n), []);
  let caches = emptyCaches(decoder);
  let length = prompt.inputIds.length;
  const step = async (inputsEmbeds: ort.Tensor, positionIds: ort.Tensor) => {
    const outputs = await decoder.run({
      inputs_embeds: inputsEmbeds,
      attention_mask: new ort.Tensor("int64", new BigInt64Array(length).fill(1n), [1, length]),
      position_ids: positionIds,
      num_logits_to_keep: keepOne,
      ...caches,
    });
    caches = {};
    for (const [name, tensor] of Object.entries(outputs))
      if (name !== "logits") caches[pastName(name)] = tensor;
    return argmaxLast(outputs.logits as ort.Tensor);
  };
  const tokens = [await step(embeds, positions)];
  const firstTokenMs = performance.now() - started;
  const stepMs: number[] = [];
  while (tokens.length < maxNewTokens) {
    const stepStarted = performance.now();
    const position = BigInt(length + ropeDelta);
    length++;
    const next = await step(
      await embedIds(BigInt64Array.of(tokens.at(-1) as bigint)),
      new ort.Tensor("int64", BigInt64Array.of(position, position, position), [3, 1, 1]),
    );
    tokens.push(next);
    stepMs.push(performance.now() - stepStarted);
  }
  return { tokens, firstTokenMs, visionMs, stepMs };
}
