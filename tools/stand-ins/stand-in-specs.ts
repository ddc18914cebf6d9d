import type { LayerType } from "../tiny-models/family-specs.js";

/** Families with a full-size stand-in. */
export type StandInFamily = "qwen3_5" | "qwen3_vl";

/** All stand-in families: the default model's first. */
export const STAND_IN_FAMILIES: readonly StandInFamily[] = ["qwen3_5", "qwen3_vl"];

/** Gated DeltaNet (linear attention) sizes of Qwen3.5's `linear_attention` layers. */
export interface LinearAttentionShape {
  keyHeads: number;
  valueHeads: number;
  keyDim: number;
  valueDim: number;
  convKernel: number;
}

/** Language-model sizes, as in `text_config`. */
export interface TextShape {
  hidden: number;
  intermediate: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  layerTypes: readonly LayerType[];
  /** Qwen3.5's `attn_output_gate`: q_proj also emits a per-channel gate for the attention output. */
  attentionOutputGate: boolean;
  linear?: LinearAttentionShape;
}

/** Vision-tower sizes, as in `vision_config`. */
export interface VisionShape {
  depth: number;
  hidden: number;
  intermediate: number;
  heads: number;
  patchSize: number;
  /** Text hidden size the patch merger projects to. */
  outHidden: number;
  /** Qwen3-VL's deepstack: blocks whose output also goes through a merger of its own. */
  deepstackIndexes: readonly number[];
}

/** The real shapes of one checkpoint. */
export interface StandInSpec {
  family: StandInFamily;
  /** The model whose shapes these are, on the Hugging Face hub. */
  model: string;
  /** The native label of DESIGN.md §1 it stands in for. */
  label: string;
  text: TextShape;
  vision: VisionShape;
}

/** Qwen3.5's hybrid layout: `full_attention_interval` 4, so every fourth layer is full attention. */
function hybridLayers(count: number): LayerType[] {
  return Array.from({ length: count }, (_, index) =>
    (index + 1) % 4 === 0 ? "full_attention" : "linear_attention",
  );
}

const SPECS: Record<StandInFamily, StandInSpec> = {
  // Qwen/Qwen3.5-2B config.json, as quoted in public code that parses or pins it: text_config hidden_size
  // 2048, intermediate_size 6144, num_hidden_layers 24 with layer_types [linear×3, full]×6,
  // num_attention_heads 8, num_key_value_heads 2, head_dim 256, attn_output_gate true, linear_num_key_heads
  // 16, linear_num_value_heads 16, linear_key_head_dim 128, linear_value_head_dim 128,
  // linear_conv_kernel_dim 4, vocab_size 248320, tie_word_embeddings true; vision_config depth 24,
  // hidden_size 1024, out_hidden_size 2048. The vision tower's intermediate_size 4096 and num_heads 16 are
  // those of the same 24×1024 tower in Qwen3.5-4B's and Qwen3-VL-2B's configs; patch_size 16,
  // spatial_merge_size 2, deepstack_visual_indexes [] (Qwen3.5 configs).
  qwen3_5: {
    family: "qwen3_5",
    model: "Qwen/Qwen3.5-2B",
    label: "Qwen 3.5 VL 2B",
    text: {
      hidden: 2048,
      intermediate: 6144,
      heads: 8,
      kvHeads: 2,
      headDim: 256,
      vocab: 248320,
      layerTypes: hybridLayers(24),
      attentionOutputGate: true,
      linear: { keyHeads: 16, valueHeads: 16, keyDim: 128, valueDim: 128, convKernel: 4 },
    },
    vision: {
      depth: 24,
      hidden: 1024,
      intermediate: 4096,
      heads: 16,
      patchSize: 16,
      outHidden: 2048,
      deepstackIndexes: [],
    },
  },
  // Qwen/Qwen3-VL-2B-Instruct config.json, as quoted in public code: text_config hidden_size 2048,
  // intermediate_size 6144, num_hidden_layers 28, num_attention_heads 16, num_key_value_heads 8, head_dim
  // 128, vocab_size 151936, tie_word_embeddings true; vision_config depth 24, hidden_size 1024,
  // intermediate_size 4096, num_heads 16, patch_size 16, out_hidden_size 2048, deepstack_visual_indexes
  // [5, 11, 17].
  qwen3_vl: {
    family: "qwen3_vl",
    model: "Qwen/Qwen3-VL-2B-Instruct",
    label: "Qwen 3 VL 2B",
    text: {
      hidden: 2048,
      intermediate: 6144,
      heads: 16,
      kvHeads: 8,
      headDim: 128,
      vocab: 151936,
      layerTypes: Array.from({ length: 28 }, (): LayerType => "full_attention"),
      attentionOutputGate: false,
    },
    vision: {
      depth: 24,
      hidden: 1024,
      intermediate: 4096,
      heads: 16,
      patchSize: 16,
      outHidden: 2048,
      deepstackIndexes: [5, 11, 17],
    },
  },
};

/** The spec of one stand-in family. */
export function standInSpec(family: StandInFamily): StandInSpec {
  return SPECS[family];
}

/** True when `value` names a stand-in family. */
export function isStandInFamily(value: string): value is StandInFamily {
  return (STAND_IN_FAMILIES as readonly string[]).includes(value);
}

/** Conv channels of a linear-attention layer: q and k (keyHeads·keyDim each) and v (valueHeads·valueDim). */
export function convChannels(linear: LinearAttentionShape): number {
  return 2 * linear.keyHeads * linear.keyDim + linear.valueHeads * linear.valueDim;
}
