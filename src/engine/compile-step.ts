/**
 * Compiling one step's properties: which are literal values and which are selectors, whether each selector
 * may bind there (the property accepts selectors, the target exists, the kinds meet), and whether the literal
 * values pass the block's checks (via checkProperties, with the bound properties left for run time).
 */
import type { z } from "zod";
import type { BlockManifest, OutputSpec, PropertySpec } from "../blocks/block.js";
import { checkProperties } from "../blocks/properties.js";
import { WorkflowDefinitionError, withChoices } from "../errors.js";
import { jsonPath } from "./compile-error.js";
import type { CompiledInput } from "./compiled.js";
import type { StepDefinition } from "./definition.js";
import { formatKinds, kindsMatch } from "./kinds.js";
import { looksLikeSelector, parseSelector, type Selector } from "./selectors.js";

/**
 * What the compiler knows about a step others may read: its manifest and its outputs (undefined when they
 * cannot be known because the step's own properties are wrong; selectors into it are then not checked).
 */
export interface StepOutline {
  readonly manifest: BlockManifest;
  readonly outputs: readonly OutputSpec[] | undefined;
}

/** Every step by name: its outline, or null when its block type is unknown (it has its own error). */
export type StepManifests = ReadonlyMap<string, StepOutline | null>;

type DynamicOutputs = (values: Readonly<Record<string, unknown>>) => readonly OutputSpec[];

/**
 * A step's outputs: the manifest's, or for blocks whose outputs depend on their literal values (json_parser's
 * `expected_fields`, Roboflow's `get_actual_outputs`) what `dynamicOutputs` says for this step's values.
 */
export function stepOutputs(
  manifest: BlockManifest,
  step: StepDefinition,
): readonly OutputSpec[] | undefined {
  const dynamic = (manifest as { dynamicOutputs?: DynamicOutputs }).dynamicOutputs;
  if (!dynamic) return manifest.outputs;
  const propertyOf = aliasResolver(manifest);
  const literals: Record<string, unknown> = {};
  const unresolved = new Set<string>();
  for (const [key, value] of Object.entries(step)) {
    if (key === "type" || key === "name") continue;
    if (looksLikeSelector(value)) unresolved.add(propertyOf(key));
    else literals[key] = value;
  }
  const { values, problems } = checkProperties(manifest, literals, unresolved);
  if (problems.length > 0) return undefined;
  try {
    return dynamic(values);
  } catch {
    return undefined;
  }
}

/** A property bound to a selector, before its nesting depth is known. */
export interface StepBinding {
  readonly key: string;
  readonly property: string;
  readonly spec: PropertySpec;
  readonly selector: Selector;
}

/** One step's properties, split and checked. */
export interface StepProperties {
  readonly literals: Record<string, unknown>;
  readonly bindings: StepBinding[];
  readonly dependsOn: Set<string>;
  readonly problems: WorkflowDefinitionError[];
}

/** Splits and checks the properties of `step` (at `$.steps[index]`) against `manifest`. */
export function compileStepProperties(
  step: StepDefinition,
  index: number,
  manifest: BlockManifest,
  inputs: ReadonlyMap<string, CompiledInput>,
  steps: StepManifests,
): StepProperties {
  const problems: WorkflowDefinitionError[] = [];
  const at = (key: string, message: string): void => {
    problems.push(new WorkflowDefinitionError(jsonPath(["steps", index, key]), message, step.name));
  };
  const propertyOf = aliasResolver(manifest);
  const literals: Record<string, unknown> = {};
  const bindings: StepBinding[] = [];
  const dependsOn = new Set<string>();
  const unresolved = new Set<string>();
  const keyOf = new Map<string, string>();

  for (const [key, value] of Object.entries(step)) {
    if (key === "type" || key === "name") continue;
    const property = propertyOf(key);
    const spec = manifest.properties[property];
    const earlier = spec ? keyOf.get(property) : undefined;
    if (earlier !== undefined) {
      at(
        key,
        `is given twice (as "${earlier}" and "${key}"; "${property === key ? earlier : key}" is an alias of "${property}"): keep one`,
      );
      continue;
    }
    if (spec) keyOf.set(property, key);
    if (!spec || !looksLikeSelector(value)) {
      if (spec?.batch && spec.selectorKinds && value !== undefined) {
        // Images (and other per-element data) arrive through inputs; a literal here is a path the engine
        // would never load.
        at(
          key,
          `takes a selector, not a literal value: bind it to an input or a step output, e.g. "$inputs.image"`,
        );
        unresolved.add(property);
      }
      literals[key] = value;
      continue;
    }
    unresolved.add(property);
    if (!spec.selectorKinds) {
      at(
        key,
        withChoices(
          `does not accept a selector ("${value}"): write the value itself`,
          literalChoices(spec.schema),
        ),
      );
      continue;
    }
    const parsed = parseSelector(value);
    if (!parsed.ok) {
      at(key, parsed.message);
      continue;
    }
    const offered = offeredKinds(parsed.selector, inputs, steps, step.name, (message, choices) =>
      at(key, withChoices(message, choices)),
    );
    if (parsed.selector.source === "step") dependsOn.add(parsed.selector.step);
    if (offered === undefined) continue;
    if (!kindsMatch(offered, spec.selectorKinds)) {
      at(key, kindMismatch(value, offered, property, spec.selectorKinds, parsed.selector, steps));
      continue;
    }
    bindings.push({ key, property, spec, selector: parsed.selector });
  }

  for (const [property, spec] of Object.entries(manifest.properties)) {
    // A required per-element property (images) left out: say how to bind it rather than "is invalid".
    if (
      spec.batch &&
      spec.selectorKinds &&
      !keyOf.has(property) &&
      !spec.schema.safeParse(undefined).success
    ) {
      const example = spec.selectorKinds.includes("image") ? "$inputs.image" : "$steps.<step>.<output>";
      at(property, `is required: bind it to an input or a step output, e.g. "${example}"`);
      unresolved.add(property);
    }
  }
  // Cross-property checks on a step whose bindings are already wrong would only add noise (a rejected
  // task_type selector makes the validator assume the default task), as checkProperties does for schema errors.
  const checked = checkProperties(
    problems.length > 0 ? { ...manifest, validate: undefined } : manifest,
    literals,
    unresolved,
  );
  for (const problem of checked.problems) {
    at(keyOf.get(problem.property) ?? problem.property, withChoices(problem.message, problem.validValues));
  }
  return { literals, bindings, dependsOn, problems };
}

/** Maps a key as written (possibly an alias) to its property name. */
function aliasResolver(manifest: BlockManifest): (key: string) => string {
  const aliases = new Map<string, string>();
  for (const [property, spec] of Object.entries(manifest.properties)) {
    for (const alias of spec.aliases ?? []) aliases.set(alias, property);
  }
  return (key) => aliases.get(key) ?? key;
}

/**
 * Kinds the selector's data carries, or undefined after reporting why it cannot be bound. Selectors into a
 * step whose block is unknown are not checked further: that step already has its own error.
 */
export function offeredKinds(
  selector: Selector,
  inputs: ReadonlyMap<string, CompiledInput>,
  steps: StepManifests,
  self: string | undefined,
  report: (message: string, choices?: readonly string[]) => void,
): readonly string[] | undefined {
  if (selector.source === "input") {
    const input = inputs.get(selector.input);
    if (!input) {
      report(`"${selector.text}" names no declared input`, [...inputs.keys()]);
      return undefined;
    }
    return input.kinds;
  }
  if (!steps.has(selector.step)) {
    const others = [...steps.keys()].filter((name) => name !== self);
    const none = others.length === 0 ? " (the definition has no other steps)" : "";
    report(`"${selector.text}" names no step "${selector.step}"${none}`, others);
    return undefined;
  }
  const outline = steps.get(selector.step);
  if (!outline?.outputs) return undefined;
  const outputs = outline.outputs;
  if (selector.output === "*") {
    if (self !== undefined) {
      report(
        `"${selector.text}": the wildcard $steps.<step>.* may only be used in outputs; name one output`,
        outputNames(outputs),
      );
      return undefined;
    }
    return ["*"];
  }
  // An output named "*" in a manifest stands for outputs whose names each step chooses.
  const output =
    outputs.find((candidate) => candidate.name === selector.output) ??
    outputs.find((candidate) => candidate.name === "*");
  if (!output) {
    report(
      `"${selector.text}": step "${selector.step}" (${outline.manifest.type}) has no output "${selector.output}"`,
      outputNames(outputs),
    );
    return undefined;
  }
  return output.kinds;
}

function outputNames(outputs: readonly OutputSpec[]): string[] {
  return outputs.map((output) => output.name);
}

function kindMismatch(
  text: string,
  offered: readonly string[],
  property: string,
  accepted: readonly string[],
  selector: Selector,
  steps: StepManifests,
): string {
  let hint = "; declare the input with a matching kind, or bind another input";
  if (selector.source === "step") {
    const outputs = steps.get(selector.step)?.outputs ?? [];
    const fitting = outputs.filter((output) => kindsMatch(output.kinds, accepted));
    const names = fitting.map((output) => `$steps.${selector.step}.${output.name}`);
    hint =
      names.length > 0
        ? `; outputs of "${selector.step}" that fit: ${names.join(", ")}`
        : `; no output of "${selector.step}" fits: bind data of one of the accepted kinds`;
  }
  return `"${text}" carries kinds ${formatKinds(offered)} but ${property} accepts ${formatKinds(accepted)}${hint}`;
}

/** The allowed literal values of an enum-like property, found by asking its schema about an impossible value. */
function literalChoices(schema: z.ZodType): readonly string[] | undefined {
  const issue = schema.safeParse("\u0000").error?.issues[0];
  return issue?.code === "invalid_value" ? issue.values.map(String) : undefined;
}
