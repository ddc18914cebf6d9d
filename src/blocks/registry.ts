/** Every block the engine knows, by type identifier. Adding a block is one line in BLOCKS. */
import type { Block } from "./block.js";
import { qwenVlmV1 } from "./models/qwen-vlm/v1.js";

// biome-ignore lint/suspicious/noExplicitAny: blocks are typed by their own params; the registry holds any.
const BLOCKS: readonly Block<any>[] = [qwenVlmV1];

/** Block type identifier → block. */
export const BLOCK_REGISTRY: ReadonlyMap<string, Block> = new Map(
  BLOCKS.map((block) => [block.manifest.type, block]),
);

/** The block with this type identifier, or undefined. */
export function findBlock(type: string): Block | undefined {
  return BLOCK_REGISTRY.get(type);
}
