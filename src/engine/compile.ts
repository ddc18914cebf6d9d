/**
 * The compiler (STYLE.md rule 8): parse → resolve selectors → check kinds → order the graph → levels. Problems
 * are collected across inputs, steps and outputs and thrown together as one WorkflowCompileError, so a person
 * fixes a definition in one round rather than one error at a time.
 */
import type { Block } from "../blocks/block.js";
import { BLOCK_REGISTRY } from "../blocks/registry.js";
import { WorkflowDefinitionError, withChoices } from "../errors.js";
import {
  type BlockRegistry,
  compileInputs,
  compileOutputs,
  findBlockType,
  inputLevel,
} from "./compile-declarations.js";
import { jsonPath, WorkflowCompileError } from "./compile-error.js";
import { compileStepProperties, type StepBinding, type StepOutline, stepOutputs } from "./compile-step.js";
import type { CompiledInput, CompiledStep, CompiledWorkflow } from "./compiled.js";
import type { WorkflowDefinition } from "./definition.js";
import { orderSteps } from "./graph.js";
import { type Level, outputLevel, PER_RUN, stepLevel } from "./levels.js";
import { parseDefinition } from "./parse-definition.js";

export { type BlockRegistry, RESERVED_OUTPUT_NAMES } from "./compile-declarations.js";

/** Options of {@link compileWorkflow}. */
export interface CompileOptions {
  /** Blocks the definition may use; the built-in registry by default (tests pass their own). */
  readonly registry?: BlockRegistry;
}

/**
 * Compiles a definition (object or JSON text). Throws a WorkflowCompileError listing every problem found;
 * each names the step, the JSON path (`$.steps[1].classes`) and the valid choices where there are some.
 */
export function compileWorkflow(source: unknown, options: CompileOptions = {}): CompiledWorkflow {
  const registry = options.registry ?? BLOCK_REGISTRY;
  const parsed = parseDefinition(source);
  if (!parsed.ok) throw new WorkflowCompileError(parsed.problems);
  const definition = parsed.definition;
  const problems: WorkflowDefinitionError[] = [];
  const inputs = compileInputs(definition.inputs, problems);

  // Blocks first, so selectors into any step (before or after the one reading them) can be checked.
  const outlines = new Map<string, StepOutline | null>();
  const blocks = new Map<string, { block: Block; index: number }>();
  definition.steps.forEach((step, index) => {
    if (outlines.has(step.name)) {
      const first = definition.steps.findIndex((other) => other.name === step.name);
      problems.push(
        problem(
          ["steps", index, "name"],
          `is already the name of $.steps[${first}]; step names must be unique`,
          step.name,
        ),
      );
      return;
    }
    const block = findBlockType(step.type, registry, (message, choices) =>
      problems.push(problem(["steps", index, "type"], withChoices(message, choices), step.name)),
    );
    outlines.set(
      step.name,
      block ? { manifest: block.manifest, outputs: stepOutputs(block.manifest, step) } : null,
    );
    if (block) blocks.set(step.name, { block, index });
  });

  const compiledProperties = new Map<string, ReturnType<typeof compileStepProperties>>();
  for (const [name, { block, index }] of blocks) {
    const step = definition.steps[index] as WorkflowDefinition["steps"][number];
    const properties = compileStepProperties(step, index, block.manifest, inputs, outlines);
    problems.push(...properties.problems);
    compiledProperties.set(name, properties);
  }

  // Only steps with a known block take part; a selector into another step already has its own problem.
  const dependencies = new Map(
    [...compiledProperties].map(([name, props]) => [
      name,
      new Set([...props.dependsOn].filter((step) => blocks.has(step))),
    ]),
  );
  const graph = orderSteps([...compiledProperties.keys()], dependencies);
  if (!graph.ok) {
    const first = blocks.get(graph.cycle[0] as string)?.index ?? 0;
    problems.push(
      problem(
        ["steps", first],
        `is part of a cycle: ${graph.cycle.join(" → ")}; a step cannot read its own outputs, directly or through other steps`,
        graph.cycle[0],
      ),
    );
  }

  const steps: CompiledStep[] = [];
  const levels = new Map<string, Level>();
  for (const name of graph.ok ? graph.order : []) {
    const { block, index } = blocks.get(name) as { block: Block; index: number };
    const properties = compiledProperties.get(name) as ReturnType<typeof compileStepProperties>;
    const bindings = properties.bindings.map((binding) => ({
      ...binding,
      level: bindingLevel(binding, inputs, levels),
    }));
    const { level, problem: levelProblem } = stepLevel(name, index, bindings);
    if (levelProblem) problems.push(levelProblem);
    const offset = block.manifest.outputDimensionalityOffset ?? 0;
    if (offset > 0 && level.dimensionality === 0) {
      problems.push(
        problem(
          ["steps", index],
          `makes a list per element, but reads nothing that is per input image; bind its image to an image input`,
          name,
        ),
      );
    }
    const output = outputLevel(name, level, offset);
    levels.set(name, output);
    steps.push({
      name,
      index,
      type: block.manifest.type,
      block,
      literals: properties.literals,
      bindings: bindings.map(({ spec: _spec, level: bound, ...binding }) => ({
        ...binding,
        dimensionality: bound.dimensionality,
      })),
      dependsOn: [...properties.dependsOn],
      dimensionality: level.dimensionality,
      lineage: level.lineage,
      outputDimensionality: output.dimensionality,
      outputLineage: output.lineage,
    });
  }

  const warnings: string[] = [];
  const outputs = compileOutputs(definition.outputs, inputs, outlines, levels, problems, warnings);
  if (problems.length > 0) throw new WorkflowCompileError(inDefinitionOrder(problems));
  return { inputs: [...inputs.values()], steps, outputs, warnings };
}

/** Problems sorted as a person reads the definition: inputs, steps by index, outputs (stable within each). */
function inDefinitionOrder(problems: readonly WorkflowDefinitionError[]): WorkflowDefinitionError[] {
  const sections = ["$.version", "$.inputs", "$.steps", "$.outputs"];
  const rank = (path: string): [number, number] => {
    const section = sections.findIndex((prefix) => path.startsWith(prefix));
    return [section, Number(/^\$\.\w+\[(\d+)\]/.exec(path)?.[1] ?? -1)];
  };
  return [...problems].sort((a, b) => {
    const [sectionA, indexA] = rank(a.path);
    const [sectionB, indexB] = rank(b.path);
    return sectionA - sectionB || indexA - indexB;
  });
}

function problem(path: readonly PropertyKey[], message: string, step?: string): WorkflowDefinitionError {
  return new WorkflowDefinitionError(jsonPath(path), message, step);
}

function bindingLevel(
  binding: StepBinding,
  inputs: ReadonlyMap<string, CompiledInput>,
  levels: ReadonlyMap<string, Level>,
): Level {
  const selector = binding.selector;
  if (selector.source === "input") return inputLevel(inputs.get(selector.input));
  return levels.get(selector.step) ?? PER_RUN;
}
