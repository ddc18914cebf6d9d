/** `qwen-vlm describe [type]`: block manifests as JSON Schema. */
import type { Command } from "commander";
import { manifestJsonSchema } from "../blocks/describe.js";
import { BLOCK_REGISTRY, findBlock } from "../blocks/registry.js";
import { InvalidArgumentError } from "../errors.js";

/** Adds the describe command to the program. */
export function addDescribeCommand(program: Command): void {
  program
    .command("describe")
    .description("Print block manifests as JSON Schema (all blocks, or the one type given)")
    .argument("[type]", 'block type identifier, e.g. "roboflow_core/qwen_vlm@v1"')
    .action((type: string | undefined) => {
      if (type) {
        const block = findBlock(type);
        if (!block) throw new InvalidArgumentError("type", `no block "${type}"`, [...BLOCK_REGISTRY.keys()]);
        process.stdout.write(`${JSON.stringify(manifestJsonSchema(block.manifest), null, 2)}\n`);
        return;
      }
      const all = [...BLOCK_REGISTRY.values()].map((block) => manifestJsonSchema(block.manifest));
      process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    });
}
