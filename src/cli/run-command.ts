/**
 * `qwen-vlm run <workflow.json> --input name=value…`: compile a workflow definition, run it on images and
 * parameters given on the command line, and print the results (a readable summary, or JSON with --json).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import type { Command } from "commander";
import { compileWorkflow } from "../engine/compile.js";
import { WorkflowCompileError } from "../engine/compile-error.js";
import type { CompiledWorkflow } from "../engine/compiled.js";
import { executeWorkflow, type StepProgress } from "../engine/execute.js";
import { serializeValue, type WorkflowOutputError, type WorkflowResult } from "../engine/results.js";
import { errorMessage, InvalidArgumentError } from "../errors.js";
import { isDetections } from "../vision/detections.js";
import { isWorkflowImage, type WorkflowImage } from "../vision/image.js";
import { parseNumber } from "./infer-command.js";
import { createProgress, type Progress } from "./progress.js";

interface RunFlags {
  input?: string[];
  json?: boolean;
  outputDir?: string;
  maxConcurrentSteps?: number;
}

/** Adds the run command to the program. */
export function addRunCommand(program: Command): void {
  program
    .command("run")
    .description("Run a workflow definition (JSON) on images and parameters")
    .argument("<workflow>", "workflow definition file (.json)")
    .option(
      "--input <name=value>",
      "an input: image path or URL, or a parameter (JSON if it parses, else text; name=@file reads a file); repeat an image input for a batch",
      (value: string, all: string[] = []) => [...all, value],
    )
    .option("--json", "print the list of result objects (one per image) as JSON")
    .option("--output-dir <dir>", "write output images there as files (the JSON then names the files)")
    .option("--max-concurrent-steps <n>", "steps running at once (default 8)", (value) =>
      parseNumber("max_concurrent_steps", value),
    )
    .action(async (file: string, flags: RunFlags) => {
      const workflow = await loadWorkflow(file);
      if (!workflow) return;
      const { inputs, labels } = await parseInputs(workflow, flags.input ?? []);
      const progress = labels.length > 1 ? stepProgress() : undefined;
      const raw = await executeWorkflow(workflow, inputs, {
        warn: (message) => process.stderr.write(`warning: ${message}\n`),
        ...(progress ? { onProgress: progress } : {}),
        ...(flags.maxConcurrentSteps !== undefined ? { maxConcurrentSteps: flags.maxConcurrentSteps } : {}),
      });
      const written = flags.outputDir
        ? await writeImages(raw, labels, flags.outputDir)
        : new Map<WorkflowImage, string>();
      const serialized = raw.map((result) => serializeResult(result, written));
      process.stdout.write(
        flags.json ? `${JSON.stringify(serialized, null, 2)}\n` : summarize(raw, labels, written),
      );
      if (raw.some((result) => result.errors)) process.exitCode = 1;
    });
}

/** Compiles the file; on a bad definition prints every problem (the first line says the first) and exits 2. */
async function loadWorkflow(file: string): Promise<CompiledWorkflow | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InvalidArgumentError("workflow", `cannot read "${file}" (${errorMessage(error)})`);
  }
  try {
    return compileWorkflow(text);
  } catch (error) {
    if (!(error instanceof WorkflowCompileError)) throw error;
    const [first, ...rest] = error.message.split("\n");
    const others = error.problems.length > 1 ? rest.map((line) => `  ${line}\n`).join("") : "";
    process.stderr.write(`qwen-vlm: invalid workflow ${file}: ${first}\n${others}`);
    process.exitCode = 2;
    return undefined;
  }
}

/** `--input` values by input name; image inputs collect a list (a batch). `labels` names each image for people. */
async function parseInputs(
  workflow: CompiledWorkflow,
  given: readonly string[],
): Promise<{ inputs: Record<string, unknown>; labels: string[] }> {
  const declared = new Map(workflow.inputs.map((input) => [input.name, input]));
  const inputs: Record<string, unknown> = {};
  for (const entry of given) {
    const split = entry.indexOf("=");
    if (split <= 0)
      throw new InvalidArgumentError(
        "--input",
        `"${entry}" is not name=value (e.g. --input image=photo.jpg)`,
      );
    const name = entry.slice(0, split);
    const text = entry.slice(split + 1);
    const input = declared.get(name);
    if (!input)
      throw new InvalidArgumentError(`--input ${name}`, "is not an input of this workflow", [
        ...declared.keys(),
      ]);
    const isImage = input.role === "image" || (input.role === "batch" && input.kinds.includes("image"));
    if (input.role === "parameter") {
      if (name in inputs)
        throw new InvalidArgumentError(`--input ${name}`, "is given twice; a parameter takes one value");
      inputs[name] = await parameterValue(name, text);
      continue;
    }
    // An image is a path or URL; "@" is accepted too, for symmetry with parameters.
    const value = isImage ? text.replace(/^@/, "") : await parameterValue(name, text);
    inputs[name] = [...((inputs[name] as unknown[] | undefined) ?? []), value];
  }
  const firstImage = workflow.inputs.find((input) => input.role === "image");
  const images = firstImage ? ((inputs[firstImage.name] as string[] | undefined) ?? []) : [];
  return { inputs, labels: images.length > 0 ? images.map(String) : [""] };
}

/** A parameter's value: `@path` reads the file verbatim; otherwise JSON when it parses, else the text itself. */
async function parameterValue(name: string, text: string): Promise<unknown> {
  if (text.startsWith("@")) {
    try {
      return await readFile(text.slice(1), "utf8");
    } catch (error) {
      throw new InvalidArgumentError(
        `--input ${name}`,
        `cannot read "${text.slice(1)}" (${errorMessage(error)})`,
      );
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Progress on stderr: one reporter per step, as its elements finish. */
function stepProgress(): (event: StepProgress) => void {
  const reporters = new Map<string, Progress>();
  const finished = new Set<string>();
  return ({ step, done, total }) => {
    if (finished.has(step)) return;
    let reporter = reporters.get(step);
    if (!reporter) {
      reporter = createProgress(`elements of step "${step}"`, total);
      reporters.set(step, reporter);
    }
    reporter.update(done, total);
    if (done >= total) {
      reporter.finish();
      finished.add(step);
    }
  };
}

/** Writes every output image as `<image #>-<input name>-<output>[-<position>].<ext>`; returns image → path. */
async function writeImages(results: readonly WorkflowResult[], labels: readonly string[], dir: string) {
  await mkdir(dir, { recursive: true });
  const written = new Map<WorkflowImage, string>();
  const width = String(results.length).length;
  const visit = async (value: unknown, name: string): Promise<void> => {
    if (isWorkflowImage(value)) {
      const path = join(dir, `${name}.${value.format === "jpeg" ? "jpg" : value.format}`);
      await writeFile(path, value.bytes);
      written.set(value, path);
    } else if (Array.isArray(value)) {
      for (const [index, member] of value.entries()) await visit(member, `${name}-${index}`);
    } else if (value && typeof value === "object" && !isDetections(value)) {
      for (const [key, member] of Object.entries(value)) await visit(member, `${name}-${safe(key)}`);
    }
  };
  for (const [index, result] of results.entries()) {
    const prefix = `${String(index + 1).padStart(width, "0")}${labels[index] ? `-${stem(labels[index])}` : ""}`;
    for (const [output, value] of Object.entries(result)) {
      if (output !== "errors") await visit(value, `${prefix}-${safe(output)}`);
    }
  }
  return written;
}

function stem(label: string): string {
  const last = basename(label.split("?")[0] ?? label);
  return safe(last.slice(0, last.length - extname(last).length) || "image");
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 60);
}

/** JSON form; images written to files become `{"type": "file", "value": path}`, which inputs accept too. */
function serializeResult(
  result: WorkflowResult,
  written: ReadonlyMap<WorkflowImage, string>,
): WorkflowResult {
  const replace = (value: unknown): unknown => {
    if (isWorkflowImage(value) && written.has(value)) return { type: "file", value: written.get(value) };
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === "object" && !isWorkflowImage(value) && !isDetections(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, replace(member)]));
    }
    return serializeValue(value);
  };
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) => [key, key === "errors" ? value : replace(value)]),
  );
}

/** A readable summary: per image, each output on its own line; failures say why. */
function summarize(
  results: readonly WorkflowResult[],
  labels: readonly string[],
  written: ReadonlyMap<WorkflowImage, string>,
): string {
  return results
    .map((result, index) => {
      const header =
        results.length > 1 || labels[index]
          ? `== ${index + 1}/${results.length} ${labels[index] ?? ""}\n`
          : "";
      const errors = result.errors ?? [];
      const lines = Object.entries(result)
        .filter(([name]) => name !== "errors")
        .map(([name, value]) => {
          const text = summarizeValue(
            value,
            errors.filter((error) => error.output === name),
            [],
            written,
          );
          return `${name}:${text.startsWith("\n") ? "" : " "}${text}`;
        });
      return `${header}${lines.join("\n")}\n`;
    })
    .join("\n");
}

function summarizeValue(
  value: unknown,
  errors: readonly WorkflowOutputError[],
  index: number[],
  written: ReadonlyMap<WorkflowImage, string>,
): string {
  const failure = errors.find((error) => (error.index ?? []).join(",") === index.join(","));
  if (failure) return `error: ${failure.message}`;
  if (typeof value === "string")
    return value.includes("\n") ? `\n  ${value.split("\n").join("\n  ")}` : value;
  if (isWorkflowImage(value)) {
    const file = written.get(value);
    return `image ${value.width}×${value.height}${file ? ` → ${file}` : " (use --output-dir to save it)"}`;
  }
  if (isDetections(value)) {
    const items = value.items.map(
      (item) =>
        `${item.className} ${item.confidence.toFixed(2)} [${[item.xMin, item.yMin, item.xMax, item.yMax].map((n) => Math.round(n)).join(", ")}]`,
    );
    return `${items.length} detection${items.length === 1 ? "" : "s"}${items.length ? `: ${items.join("; ")}` : ""}`;
  }
  if (
    Array.isArray(value) &&
    value.some((member) => isWorkflowImage(member) || isDetections(member) || errors.length > 0)
  ) {
    const members = value.map(
      (member, position) =>
        `\n  [${position}] ${summarizeValue(member, errors, [...index, position], written)}`,
    );
    return `${value.length} item${value.length === 1 ? "" : "s"}${members.join("")}`;
  }
  return JSON.stringify(serializeValue(value));
}
