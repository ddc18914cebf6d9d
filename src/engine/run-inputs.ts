/**
 * Turning the values a caller passes for a run into input data: images loaded (an unreadable image fails its
 * own element only), parameters defaulted, and the batch size agreed between every per-image input.
 */
import { InvalidArgumentError } from "../errors.js";
import { mapSettledWithLimit } from "../util/concurrency.js";
import { type ImageSource, loadImage, maxImagePixelsFromEnv } from "../vision/image.js";
import type { CompiledInput, CompiledWorkflow } from "./compiled.js";
import { ElementFailure, leaf, type Tree } from "./tree.js";

/** Input values by input name. An image input takes an image or a list of them (a batch). */
export type WorkflowInputs = Readonly<Record<string, unknown>>;

/** Input data ready for the steps, and how many elements the batch has. */
export interface PreparedInputs {
  readonly batchSize: number;
  readonly trees: ReadonlyMap<string, Tree>;
}

/** Options for loading image inputs. */
export interface InputLoadOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

// Images download and decode their headers in parallel; a handful at once keeps a large batch from opening
// hundreds of connections.
const IMAGE_LOAD_CONCURRENCY = 8;

/** Checks the given values against the declared inputs and loads the images. */
export async function prepareInputs(
  workflow: CompiledWorkflow,
  values: WorkflowInputs,
  options: InputLoadOptions,
): Promise<PreparedInputs> {
  const declared = new Map(workflow.inputs.map((input) => [input.name, input]));
  for (const name of Object.keys(values)) {
    if (!declared.has(name)) {
      throw new InvalidArgumentError(`inputs.${name}`, "is not an input of this workflow", [
        ...declared.keys(),
      ]);
    }
  }
  const lists = new Map<string, unknown[]>();
  const trees = new Map<string, Tree>();
  for (const input of workflow.inputs) {
    const value = values[input.name] === undefined ? input.defaultValue : values[input.name];
    if (value === undefined) throw missing(input);
    if (input.role === "parameter") trees.set(input.name, leaf(value));
    else lists.set(input.name, asList(input, value));
  }
  const batchSize = agreeOnBatchSize(lists);
  const maxPixels = maxImagePixelsFromEnv(options.env);
  for (const [name, list] of lists) {
    const input = declared.get(name) as CompiledInput;
    const nodes = carriesImages(input) ? await loadImages(name, list, maxPixels, options) : list.map(leaf);
    // A list of one is shared by every element of the batch, as in Roboflow's engine (loaded once).
    trees.set(
      name,
      nodes.length === batchSize ? nodes : Array.from({ length: batchSize }, () => nodes[0] as Tree),
    );
  }
  return { batchSize: lists.size === 0 ? 1 : batchSize, trees };
}

async function loadImages(
  name: string,
  sources: readonly unknown[],
  maxPixels: number,
  options: InputLoadOptions,
): Promise<Tree[]> {
  const loaded = await mapSettledWithLimit(sources, IMAGE_LOAD_CONCURRENCY, (source) =>
    loadImage(source as ImageSource, {
      maxPixels,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return loaded.map((outcome) =>
    outcome.ok
      ? leaf(outcome.value)
      : new ElementFailure(
          outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)),
          {
            input: name,
          },
        ),
  );
}

function carriesImages(input: CompiledInput): boolean {
  return input.role === "image" || (input.role === "batch" && input.kinds.includes("image"));
}

function asList(input: CompiledInput, value: unknown): unknown[] {
  if (input.role === "batch" && !Array.isArray(value)) {
    throw new InvalidArgumentError(
      `inputs.${input.name}`,
      "is a WorkflowBatchInput: pass a list with one value per image",
    );
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw new InvalidArgumentError(`inputs.${input.name}`, "is an empty list: pass at least one value");
  }
  return list;
}

function missing(input: CompiledInput): InvalidArgumentError {
  const how =
    input.role === "image"
      ? 'pass an image (path, URL, data URL or {type: "base64"|"url", value}) or a list of them'
      : input.role === "batch"
        ? "pass a list with one value per image"
        : `pass a value, or give the input a default_value in the definition (${input.path})`;
  return new InvalidArgumentError(`inputs.${input.name}`, `is required: ${how}`);
}

/** Every per-image input has the same length, or length 1 (shared). */
function agreeOnBatchSize(lists: ReadonlyMap<string, unknown[]>): number {
  const sizes = [...lists].filter(([, list]) => list.length !== 1);
  const size = sizes[0]?.[1].length ?? 1;
  const other = sizes.find(([, list]) => list.length !== size);
  if (other && sizes[0]) {
    throw new InvalidArgumentError(
      `inputs.${other[0]}`,
      `has ${other[1].length} values but inputs.${sizes[0][0]} has ${size}; per-image inputs must have the same length (or one value, shared by all)`,
    );
  }
  return size;
}
