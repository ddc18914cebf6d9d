/**
 * A compiled workflow: what the executor runs. Every selector is resolved, every connection kind-checked,
 * the steps ordered; the executor never looks at the raw definition again.
 */
import type { Block } from "../blocks/block.js";
import type { Selector } from "./selectors.js";

/** Where data comes from at nesting depth: the input batch, then one level per list-producing step. */
export type Lineage = readonly string[];

/** The lineage of data that is one value per input image. */
export const INPUT_LINEAGE: Lineage = ["$inputs"];

/** A declared input. */
export interface CompiledInput {
  readonly name: string;
  /** image: images (a batch when a list is given); parameter: one value for the run; batch: a list, one per element. */
  readonly role: "image" | "parameter" | "batch";
  readonly kinds: readonly string[];
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  /** JSON path of the declaration, for messages. */
  readonly path: string;
}

/** A step property bound to a selector. */
export interface CompiledBinding {
  /** The key as written in the definition (may be an alias). */
  readonly key: string;
  /** The manifest's property name. */
  readonly property: string;
  readonly selector: Selector;
  /** Nesting depth of the data: 0 one value for the run, 1 per input image, 2 per crop of an image… */
  readonly dimensionality: number;
}

/** A step, ready to run. */
export interface CompiledStep {
  readonly name: string;
  readonly index: number;
  readonly type: string;
  readonly block: Block;
  /** Properties written as literal values, keyed as written. Checked again per element with the bound values. */
  readonly literals: Readonly<Record<string, unknown>>;
  readonly bindings: readonly CompiledBinding[];
  /** Steps whose outputs this step reads. */
  readonly dependsOn: readonly string[];
  /** Nesting depth of the step's elements (the deepest data it reads). */
  readonly dimensionality: number;
  readonly lineage: Lineage;
  /** Depth of its outputs: `dimensionality` plus the block's dimensionality offset. */
  readonly outputDimensionality: number;
  readonly outputLineage: Lineage;
}

/** An output of the result. */
export interface CompiledOutput {
  readonly name: string;
  readonly selector: Selector;
  /** 0: same value for every input image; 1: one per image; 2: a list per image… */
  readonly dimensionality: number;
  readonly coordinatesSystem: "own" | "parent";
}

/** A workflow that passed every check, with its steps in an order that respects their dependencies. */
export interface CompiledWorkflow {
  readonly inputs: readonly CompiledInput[];
  /** Topological order; ties keep definition order. */
  readonly steps: readonly CompiledStep[];
  readonly outputs: readonly CompiledOutput[];
  /** Non-fatal notes (features accepted but not implemented yet). */
  readonly warnings: readonly string[];
}
