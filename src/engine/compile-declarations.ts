/**
 * Compiling the declarations around the steps: inputs (names, roles, kinds), block types (with suggestions
 * for near misses) and outputs (selectors, levels, the reserved name).
 */
import type { Block } from "../blocks/block.js";
import { WorkflowDefinitionError, withChoices } from "../errors.js";
import { jsonPath } from "./compile-error.js";
import { offeredKinds, type StepManifests } from "./compile-step.js";
import type { CompiledInput, CompiledOutput } from "./compiled.js";
import type { InputDefinition, OutputDefinition } from "./definition.js";
import { ANY_KIND, normalizeKinds } from "./kinds.js";
import { describeLevel, type Level, PER_IMAGE, PER_RUN } from "./levels.js";
import { parseSelector } from "./selectors.js";

/** Block types a definition may use, by type identifier. */
export type BlockRegistry = ReadonlyMap<string, Block>;

/** Output names the result object uses for itself. */
export const RESERVED_OUTPUT_NAMES: readonly string[] = ["errors"];

function problem(path: readonly PropertyKey[], message: string, step?: string): WorkflowDefinitionError {
  return new WorkflowDefinitionError(jsonPath(path), message, step);
}

/** The level of data an input gives: a parameter is one value for the run, the others one per image. */
export function inputLevel(input: CompiledInput | undefined): Level {
  return input?.role === "parameter" ? PER_RUN : PER_IMAGE;
}

/** Declared inputs by name; duplicates are reported. */
export function compileInputs(
  definitions: readonly InputDefinition[],
  problems: WorkflowDefinitionError[],
): Map<string, CompiledInput> {
  const inputs = new Map<string, CompiledInput>();
  definitions.forEach((input, index) => {
    if (inputs.has(input.name)) {
      problems.push(
        problem(["inputs", index, "name"], `"${input.name}" is declared twice; input names must be unique`),
      );
      return;
    }
    const role =
      input.type === "WorkflowBatchInput" ? "batch" : input.type.endsWith("Image") ? "image" : "parameter";
    const hasDefault = "default_value" in input && input.default_value !== undefined;
    inputs.set(input.name, {
      name: input.name,
      role,
      kinds: role === "image" ? ["image"] : normalizeKinds(input.kind, [ANY_KIND]),
      hasDefault,
      defaultValue: hasDefault ? (input as { default_value: unknown }).default_value : undefined,
      path: jsonPath(["inputs", index]),
    });
  });
  return inputs;
}

/** Outputs with their levels; unknown targets and reserved or repeated names are reported. */
export function compileOutputs(
  definitions: readonly OutputDefinition[],
  inputs: ReadonlyMap<string, CompiledInput>,
  outlines: StepManifests,
  levels: ReadonlyMap<string, Level>,
  problems: WorkflowDefinitionError[],
  warnings: string[],
): CompiledOutput[] {
  const outputs: CompiledOutput[] = [];
  const names = new Set<string>();
  definitions.forEach((output, index) => {
    const at = (key: string, message: string): void => {
      problems.push(problem(["outputs", index, key], message));
    };
    if (RESERVED_OUTPUT_NAMES.includes(output.name)) {
      at(
        "name",
        `"${output.name}" is reserved: each result object lists its failures under "${output.name}"; rename the output`,
      );
    } else if (names.has(output.name)) {
      at("name", `"${output.name}" is declared twice; output names must be unique`);
    }
    names.add(output.name);
    const parsed = parseSelector(output.selector);
    if (!parsed.ok) {
      at("selector", parsed.message);
      return;
    }
    const kinds = offeredKinds(parsed.selector, inputs, outlines, undefined, (message, choices) =>
      at("selector", withChoices(message, choices)),
    );
    if (kinds === undefined) return;
    const selector = parsed.selector;
    const level =
      selector.source === "input"
        ? inputLevel(inputs.get(selector.input))
        : (levels.get(selector.step) ?? PER_RUN);
    // Roboflow's default: detections made on crops are output in the original image's coordinates.
    const coordinatesSystem = output.coordinates_system ?? "parent";
    outputs.push({ name: output.name, selector, dimensionality: level.dimensionality, coordinatesSystem });
  });
  return outputs;
}

/**
 * The block for a type identifier, or undefined after reporting: a known block with another version lists the
 * versions; a type missing its namespace suggests the full identifier; anything else lists every block.
 */
export function findBlockType(
  type: string,
  registry: BlockRegistry,
  report: (message: string, choices: readonly string[]) => void,
): Block | undefined {
  const block = registry.get(type);
  if (block) return block;
  const known = [...registry.keys()];
  const base = (identifier: string) => identifier.split("@")[0] as string;
  const short = (identifier: string) => base(identifier).split("/").pop() as string;
  const versions = known.filter((candidate) => base(candidate) === base(type));
  if (versions.length > 0) {
    report(`block "${base(type)}" has no version "${type.split("@")[1] ?? ""}"`, versions);
    return undefined;
  }
  const similar = known.filter((candidate) => short(candidate) === short(type));
  if (similar.length > 0) {
    report(
      `"${type}" is not a block type identifier (did you mean ${similar.map((c) => `"${c}"`).join(" or ")}?)`,
      similar,
    );
    return undefined;
  }
  report(`"${type}" is not a known block type`, known);
  return undefined;
}
