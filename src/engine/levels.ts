/**
 * Nesting levels (Roboflow's "dimensionality"). Data is one value for the run (level 0), one per input image
 * (level 1), or one per element of the lists a step makes per image (level 2, e.g. crops), and so on. A step
 * runs once per element of the deepest data it reads; shallower data is shared by the elements under it.
 */
import { WorkflowDefinitionError } from "../errors.js";
import { jsonPath } from "./compile-error.js";
import type { StepBinding } from "./compile-step.js";
import { INPUT_LINEAGE, type Lineage } from "./compiled.js";

/** Level and origin of some data. */
export interface Level {
  readonly dimensionality: number;
  readonly lineage: Lineage;
}

/** Level of data that is one value per input image. */
export const PER_IMAGE: Level = { dimensionality: 1, lineage: INPUT_LINEAGE };
/** Level of data that is one value for the whole run. */
export const PER_RUN: Level = { dimensionality: 0, lineage: [] };

/** The step's level from its bound properties, or the problem that makes it ambiguous. */
export function stepLevel(
  stepName: string,
  index: number,
  bindings: ReadonlyArray<StepBinding & { readonly level: Level }>,
): { level: Level; problem?: WorkflowDefinitionError } {
  let deepest: (StepBinding & { level: Level }) | undefined;
  for (const binding of bindings) {
    if (!deepest || binding.level.dimensionality > deepest.level.dimensionality) deepest = binding;
  }
  if (!deepest) return { level: PER_RUN };
  const level = deepest.level;
  const problemAt = (key: string, message: string) =>
    new WorkflowDefinitionError(jsonPath(["steps", index, key]), message, stepName);
  for (const binding of bindings) {
    if (!isPrefix(binding.level.lineage, level.lineage)) {
      return {
        level,
        problem: problemAt(
          binding.key,
          `${binding.key} gets ${describeLevel(binding.level)} but ${deepest.key} gets ${describeLevel(level)}; a step can only combine data from one list per image: bind both to outputs made from the same list`,
        ),
      };
    }
    // Per-element properties (images, model outputs) must sit at the step's own level; a shallower one
    // would pair a whole image with each of its crops' results.
    if (
      binding.spec.batch &&
      binding.level.dimensionality > 0 &&
      binding.level.dimensionality < level.dimensionality
    ) {
      return {
        level,
        problem: problemAt(
          binding.key,
          `${binding.key} gets ${describeLevel(binding.level)} but ${deepest.key} gets ${describeLevel(level)}; bind ${binding.key} to data at the same level (e.g. an output of "${level.lineage[level.lineage.length - 1]}")`,
        ),
      };
    }
  }
  return { level };
}

/** The level of a step's outputs: one deeper for blocks that make a list per element. */
export function outputLevel(stepName: string, level: Level, offset: number): Level {
  if (offset === 0) return level;
  return { dimensionality: level.dimensionality + offset, lineage: [...level.lineage, stepName] };
}

/** "one value per input image", "one value per element of the lists "crop" makes". */
export function describeLevel(level: Level): string {
  if (level.dimensionality === 0) return "one value for the whole run";
  if (level.dimensionality === 1) return "one value per input image";
  return `one value per element of the lists "${level.lineage[level.lineage.length - 1]}" makes`;
}

function isPrefix(prefix: Lineage, lineage: Lineage): boolean {
  return prefix.length <= lineage.length && prefix.every((name, position) => lineage[position] === name);
}
