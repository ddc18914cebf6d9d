/** The `qwen-vlm` command line. Every failure ends in one line on stderr and a non-zero exit code. */
import { Command, CommanderError } from "commander";
import { QwenVlmError } from "../errors.js";
import { addDescribeCommand } from "./describe-command.js";
import { addInferCommand } from "./infer-command.js";
import { addModelsCommand } from "./models-command.js";
import { addRunCommand } from "./run-command.js";

const program = new Command()
  .name("qwen-vlm")
  .description(
    "Run Qwen vision-language models on images: the roboflow_core/qwen_vlm@v1 block and its workflows",
  )
  .exitOverride()
  .showHelpAfterError("(add --help for the options)");

addInferCommand(program);
addDescribeCommand(program);
addModelsCommand(program);
addRunCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help/version it was asked for).
    process.exitCode = error.exitCode;
  } else {
    const message =
      error instanceof QwenVlmError ? error.message : `unexpected error: ${(error as Error)?.stack ?? error}`;
    process.stderr.write(`qwen-vlm: ${message.split("\n")[0]}\n`);
    process.exitCode = error instanceof QwenVlmError ? 2 : 70;
  }
}
