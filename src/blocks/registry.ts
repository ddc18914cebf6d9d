/** Every block the engine knows, by type identifier. Adding a block is one line in BLOCKS. */
import type { Block } from "./block.js";
import { jsonParserV1 } from "./formatters/json-parser/v1.js";
import { vlmAsClassifierV1 } from "./formatters/vlm-as-classifier/v1.js";
import { vlmAsClassifierV2 } from "./formatters/vlm-as-classifier/v2.js";
import { vlmAsDetectorV1 } from "./formatters/vlm-as-detector/v1.js";
import { vlmAsDetectorV2 } from "./formatters/vlm-as-detector/v2.js";
import { qwenVlmV1 } from "./models/qwen-vlm/v1.js";
import { dynamicCropV1 } from "./transformations/dynamic-crop/v1.js";
import { boundingBoxVisualizationV1 } from "./visualizations/bounding-box/v1.js";
import { labelVisualizationV1 } from "./visualizations/label/v1.js";

// biome-ignore lint/suspicious/noExplicitAny: blocks are typed by their own params; the registry holds any.
const BLOCKS: readonly Block<any>[] = [
  qwenVlmV1,
  vlmAsClassifierV1,
  vlmAsClassifierV2,
  vlmAsDetectorV1,
  vlmAsDetectorV2,
  jsonParserV1,
  dynamicCropV1,
  boundingBoxVisualizationV1,
  labelVisualizationV1,
];

/** Block type identifier → block. */
export const BLOCK_REGISTRY: ReadonlyMap<string, Block> = new Map(
  BLOCKS.map((block) => [block.manifest.type, block]),
);

/** The block with this type identifier, or undefined. */
export function findBlock(type: string): Block | undefined {
  return BLOCK_REGISTRY.get(type);
}
