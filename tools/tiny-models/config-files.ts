import { type FamilySpec, LINEAR_DIMS, TEXT_DIMS, TOKEN_IDS, VISION_DIMS } from "./family-specs.js";

/** The JSON files of a model folder, keyed by file name. */
export type JsonFiles = Record<string, unknown>;

/** ONNX files whose weights live in a `<file>.onnx_data` side file. */
export function externalDataFormat(fileNames: readonly string[]): Record<string, number> {
  return Object.fromEntries(fileNames.map((fileName) => [fileName, 1]));
}

/**
 * config.json. transformers.js 4.3.1 reads: `model_type` (picks the model class and the cache layout),
 * `text_config` (normalized for cache names: qwen2_5_vl / qwen3_vl read `text_config` with model_type
 * `*_text`; qwen3_5 reads `text_config.layer_types`), the top-level `image_token_id`, `video_token_id`
 * and `vision_start_token_id` (image-feature merge and rope index), `vision_config.spatial_merge_size`,
 * and `transformers.js_config` (here: which files use external data). Other fields mirror the real
 * configs at tiny sizes, for readers.
 */
export function modelConfig(spec: FamilySpec, externalDataFiles: readonly string[]): unknown {
  const { hidden, heads, kvHeads, headDim, intermediate } = TEXT_DIMS;
  const tokens = {
    image_token_id: TOKEN_IDS.imagePad,
    video_token_id: TOKEN_IDS.videoPad,
    vision_start_token_id: TOKEN_IDS.visionStart,
    vision_end_token_id: TOKEN_IDS.visionEnd,
  };
  const textConfig: Record<string, unknown> = {
    model_type: spec.textModelType,
    hidden_size: hidden,
    intermediate_size: intermediate,
    num_hidden_layers: spec.layerTypes.length,
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    vocab_size: spec.vocabSize,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    bos_token_id: TOKEN_IDS.endOfText,
    eos_token_id: TOKEN_IDS.imEnd,
    tie_word_embeddings: spec.tieWordEmbeddings,
  };
  if (spec.family === "qwen2_5_vl") {
    Object.assign(textConfig, { rope_theta: 1e6, rope_scaling: { type: "mrope", mrope_section: [2, 1, 1] } });
  } else if (spec.family === "qwen3_vl") {
    Object.assign(textConfig, {
      rope_theta: 5e6,
      rope_scaling: { rope_type: "default", mrope_interleaved: true, mrope_section: [2, 1, 1] },
    });
  } else {
    Object.assign(textConfig, {
      layer_types: spec.layerTypes,
      full_attention_interval: 4,
      linear_conv_kernel_dim: LINEAR_DIMS.convKernel,
      linear_key_head_dim: LINEAR_DIMS.keyDim,
      linear_value_head_dim: LINEAR_DIMS.valueDim,
      linear_num_key_heads: LINEAR_DIMS.keyHeads,
      linear_num_value_heads: LINEAR_DIMS.valueHeads,
      rope_parameters: {
        rope_type: "default",
        rope_theta: 1e7,
        partial_rotary_factor: 0.25,
        mrope_interleaved: true,
        mrope_section: [1, 0, 0],
      },
    });
  }
  return {
    architectures: [spec.architecture],
    model_type: spec.family,
    ...tokens,
    ...(spec.family === "qwen2_5_vl" ? { vision_token_id: TOKEN_IDS.visionPad } : {}),
    bos_token_id: TOKEN_IDS.endOfText,
    eos_token_id: TOKEN_IDS.imEnd,
    tie_word_embeddings: spec.tieWordEmbeddings,
    text_config: textConfig,
    vision_config: {
      model_type: spec.family,
      depth: 1,
      hidden_size: VISION_DIMS.embed,
      out_hidden_size: hidden,
      num_heads: 2,
      in_channels: 3,
      patch_size: spec.patchSize,
      spatial_merge_size: VISION_DIMS.mergeSize,
      temporal_patch_size: VISION_DIMS.temporalPatchSize,
    },
    "transformers.js_config": { use_external_data_format: externalDataFormat(externalDataFiles) },
  };
}

/** generation_config.json: the real family's sampling defaults, with eos = <|im_end|> or <|endoftext|>. */
export function generationConfig(spec: FamilySpec): unknown {
  return {
    bos_token_id: TOKEN_IDS.endOfText,
    pad_token_id: TOKEN_IDS.endOfText,
    eos_token_id: [TOKEN_IDS.imEnd, TOKEN_IDS.endOfText],
    ...spec.generation,
  };
}

/**
 * preprocessor_config.json, with every switch written out as Python's `save_pretrained` does. This
 * matters: transformers.js 4.3.1 (src/image_processors_utils.js) resizes only when `do_resize` is set or
 * `size` is present, normalizes only when `do_normalize` is true, and resamples bilinearly unless
 * `resample` says otherwise — the short upstream files (no do_* keys) would skip resize and normalize.
 * Qwen2VLImageProcessor reads `min_pixels ?? size.shortest_edge` and `max_pixels ?? size.longest_edge`.
 */
export function preprocessorConfig(spec: FamilySpec): unknown {
  return {
    image_processor_type: "Qwen2VLImageProcessor",
    processor_class: spec.processorClass,
    do_convert_rgb: true,
    do_resize: true,
    resample: 3,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: spec.imageMean,
    image_std: spec.imageStd,
    size: { shortest_edge: spec.minPixels, longest_edge: spec.maxPixels },
    min_pixels: spec.minPixels,
    max_pixels: spec.maxPixels,
    patch_size: spec.patchSize,
    temporal_patch_size: VISION_DIMS.temporalPatchSize,
    merge_size: VISION_DIMS.mergeSize,
  };
}
