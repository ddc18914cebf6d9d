/**
 * In-process Qwen-VL on @huggingface/transformers (ONNX Runtime): load an export folder, then per image render
 * the prompt with the model's own chat template (system turn, then the user turn with the image first), resize
 * the image within the pixel budget, and decode greedily up to `max_tokens`. Facts about transformers.js 4.3.1
 * that this relies on are in tools/tiny-models/README.md ("How transformers.js 4.3.1 uses such a folder").
 */

import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  type PreTrainedModel,
  RawImage,
  StoppingCriteria,
  type Tensor,
} from "@huggingface/transformers";
import { errorMessage, ModelLoadError } from "../../errors.js";
import { decodeRgb, type WorkflowImage } from "../../vision/image.js";
import { QWEN_FAMILY_FACTORS, smartResize } from "../../vision/smart-resize.js";
import type { ChatPrompt } from "../backend.js";
import type { Disposable } from "./model-pool.js";
import type { PreparedModel } from "./model-store.js";
import { applyPythonProcessorDefaults, type ImageProcessorSettings } from "./processor-defaults.js";
import type { OnnxDtype, QwenFamily, SessionName } from "./registry.js";

/** The image's pixel count is kept inside [minPixels, maxPixels] (see DEFAULT_PIXEL_BUDGET). */
export interface PixelBudget {
  readonly minPixels: number;
  readonly maxPixels: number;
}

/** How to load: the ONNX Runtime device ("cpu" unless asked) and extra session options. */
export interface RuntimeOptions {
  readonly device?: string;
  /** Passed to every ONNX Runtime session (e.g. intra-op threads); see onnxruntime-node's SessionOptions. */
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

/** One generation's input. */
export interface GenerationInput {
  readonly image: WorkflowImage;
  readonly prompt: ChatPrompt;
  readonly maxTokens: number;
  readonly enableThinking: boolean;
  readonly pixelBudget: PixelBudget;
  readonly signal?: AbortSignal;
}

/** What one generation produced and what it cost. */
export interface GenerationOutput {
  /** Generated text, special tokens removed (think tags kept). */
  readonly text: string;
  /** The rendered prompt ended inside an opened `<think>` block (Qwen3.5 with thinking on). */
  readonly traceOpenedInPrompt: boolean;
  readonly finishReason: "stop" | "length";
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** `<|image_pad|>` tokens in the prompt: one per merged patch of the resized image. */
  readonly imageTokens: number;
  /** The image size the vision encoder saw (after smart resize). */
  readonly modelInputSize: { readonly width: number; readonly height: number };
  readonly timings: GenerationTimings;
}

/** Wall-clock milliseconds of each phase. */
export interface GenerationTimings {
  /** Resize, chat template, tokenization and patching. */
  readonly preprocessMs: number;
  /** From calling generate to the first generated token (vision encoder + prefill). */
  readonly firstTokenMs: number;
  /** The whole generate call. */
  readonly generateMs: number;
  /** Tokens after the first, per second of decoding. */
  readonly decodeTokensPerSecond: number;
}

/** A loaded model. */
export interface QwenRuntimeModel extends Disposable {
  readonly folder: string;
  readonly family: QwenFamily;
  readonly dtypes: Readonly<Record<SessionName, OnnxDtype>>;
  generate(input: GenerationInput): Promise<GenerationOutput>;
}

// The parts of the processor and model objects this file uses (transformers.js types them loosely).
interface QwenProcessor {
  (text: string, image: RawImage): Promise<ProcessedInputs>;
  tokenizer: { chat_template: unknown };
  image_processor: ImageProcessorSettings & {
    min_pixels: number;
    max_pixels: number;
    patch_size?: number;
    merge_size?: number;
  };
  apply_chat_template(messages: object[], options: Record<string, unknown>): unknown;
  batch_decode(ids: Tensor, options: { skip_special_tokens: boolean }): string[];
}
interface ProcessedInputs {
  input_ids: Tensor;
  reshaped_input_sizes?: number[][];
  [name: string]: unknown;
}

/** Stops generation when the caller aborts (transformers.js checks stopping criteria after every token). */
class AbortCriteria extends StoppingCriteria {
  readonly signal: AbortSignal;
  constructor(signal: AbortSignal) {
    super();
    this.signal = signal;
  }
  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map(() => this.signal.aborted);
  }
}

/** Loads a prepared model folder. A folder that cannot be loaded gives a ModelLoadError naming it and the file. */
export async function loadQwenModel(
  prepared: PreparedModel,
  options: RuntimeOptions = {},
): Promise<QwenRuntimeModel> {
  const { folder } = prepared;
  const device = options.device ?? "cpu";
  let processor: QwenProcessor;
  let model: PreTrainedModel;
  try {
    // Absolute folder paths are read as local folders; local_files_only keeps transformers.js off the network.
    processor = (await AutoProcessor.from_pretrained(folder, {
      local_files_only: true,
    })) as unknown as QwenProcessor;
    model = await AutoModelForImageTextToText.from_pretrained(folder, {
      local_files_only: true,
      device: device as "cpu",
      dtype: { ...prepared.dtypes },
      ...(options.sessionOptions ? { session_options: { ...options.sessionOptions } } : {}),
    });
  } catch (error) {
    const message = errorMessage(error);
    const file = /onnx[/\\][\w.-]+\.onnx\w*/.exec(message)?.[0] ?? `the files listed in ${folder}`;
    throw new ModelLoadError(
      `could not load the ${prepared.family} model in ${folder} (${file}): ${message}. The file may be damaged or ` +
        `not an ONNX export for ${device}; delete the folder and download it again (qwen-vlm models pull)`,
      { cause: error },
    );
  }
  applyPythonProcessorDefaults(processor.image_processor);
  const chatTemplate = processor.tokenizer.chat_template ? undefined : await readChatTemplate(folder);
  if (!processor.tokenizer.chat_template && !chatTemplate) {
    await model.dispose();
    throw new ModelLoadError(
      `${folder} has no chat template (neither "chat_template" in tokenizer_config.json nor chat_template.jinja): ` +
        "copy the one of the model it was fine-tuned from",
    );
  }
  const imageTokenId = BigInt(Number(prepared.config.raw.image_token_id ?? Number.NaN));
  const eosIds = new Set(
    [model.generation_config?.eos_token_id ?? []].flat().map((id) => BigInt(id as number)),
  );
  const factor =
    (processor.image_processor.patch_size ?? 0) * (processor.image_processor.merge_size ?? 0) ||
    QWEN_FAMILY_FACTORS[prepared.family];

  return {
    folder,
    family: prepared.family,
    dtypes: prepared.dtypes,
    dispose: async () => {
      await model.dispose();
    },
    async generate(input) {
      const started = performance.now();
      const messages = [
        ...(input.prompt.system ? [{ role: "system", content: input.prompt.system }] : []),
        { role: "user", content: [{ type: "image" }, { type: "text", text: input.prompt.user }] },
      ];
      // enable_thinking is a top-level template variable; templates without the switch ignore it.
      const text = String(
        processor.apply_chat_template(messages, {
          add_generation_prompt: true,
          enable_thinking: input.enableThinking,
          ...(chatTemplate ? { chat_template: chatTemplate } : {}),
        }),
      );
      // Resize here, to exactly the size the processor would pick under our budget, so a 24 MP photo is never
      // handed to JavaScript at full size; the processor then keeps it as it is.
      const size = smartResize(input.image.height, input.image.width, {
        factor,
        ...input.pixelBudget,
        implementation: "transformers.js",
      });
      const rgb = await decodeRgb(input.image, size);
      const raw = new RawImage(
        new Uint8ClampedArray(rgb.data.buffer, rgb.data.byteOffset, rgb.data.length),
        rgb.width,
        rgb.height,
        3,
      );
      processor.image_processor.min_pixels = input.pixelBudget.minPixels;
      processor.image_processor.max_pixels = input.pixelBudget.maxPixels;
      const inputs = await processor(text, raw);
      const promptIds = (inputs.input_ids.tolist() as bigint[][])[0] ?? [];
      const [height = size.height, width = size.width] = inputs.reshaped_input_sizes?.[0] ?? [];
      const preprocessed = performance.now();

      const tokenTimes: number[] = [];
      const streamer = { put: () => tokenTimes.push(performance.now()), end: () => {} };
      const sequences = (await model.generate({
        ...inputs,
        max_new_tokens: input.maxTokens,
        do_sample: false, // greedy: generation_config.json files sample by default
        streamer,
        ...(input.signal ? { stopping_criteria: [new AbortCriteria(input.signal)] } : {}),
      } as never)) as Tensor;
      const finished = performance.now();
      if (input.signal?.aborted) throw input.signal.reason;

      const generated = ((sequences.tolist() as bigint[][])[0] ?? []).slice(promptIds.length);
      const last = generated.at(-1);
      const stoppedByEos = last !== undefined && eosIds.has(last);
      // The first put() is the prompt, then one per generated token.
      const firstToken = tokenTimes[1] ?? finished;
      const decodeSeconds = (finished - firstToken) / 1000;
      return {
        text:
          processor.batch_decode(
            sequences.slice(null, [promptIds.length, sequences.dims[1] ?? promptIds.length]),
            { skip_special_tokens: true },
          )[0] ?? "",
        traceOpenedInPrompt: /<think>\s*$/.test(text),
        finishReason: !stoppedByEos && generated.length >= input.maxTokens ? "length" : "stop",
        promptTokens: promptIds.length,
        completionTokens: generated.length,
        imageTokens: promptIds.filter((id) => id === imageTokenId).length,
        modelInputSize: { width, height },
        timings: {
          preprocessMs: preprocessed - started,
          firstTokenMs: firstToken - preprocessed,
          generateMs: finished - preprocessed,
          decodeTokensPerSecond:
            generated.length > 1 && decodeSeconds > 0 ? (generated.length - 1) / decodeSeconds : 0,
        },
      };
    },
  };
}

/**
 * transformers.js 4.3.1 reads the chat template of these processors only from tokenizer_config.json; exports
 * saved by transformers v5 keep it in chat_template.jinja (or, older, chat_template.json) instead.
 */
async function readChatTemplate(folder: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(folder, "chat_template.jinja"), "utf8");
  } catch {
    // not there: try the JSON form
  }
  try {
    const json = JSON.parse(await readFile(path.join(folder, "chat_template.json"), "utf8")) as {
      chat_template?: unknown;
    };
    return typeof json.chat_template === "string" ? json.chat_template : undefined;
  } catch {
    return undefined; // no template anywhere: apply_chat_template will say so
  }
}
