/**
 * The block contract: a manifest (what a step may say, what it outputs) and a run function over a batch.
 * Blocks implement it; the engine, the CLI and the server only ever see this file's types.
 */
import type { z } from "zod";
import type { RetryPolicy } from "../backends/http/retry.js";
import type { ApiKeyStore } from "../backends/openrouter/api-key.js";

/**
 * Kinds tag what flows along a connection, as in Roboflow Workflows. A selector may bind an output to a
 * property when they share a kind, or when either side is `*` (anything).
 */
export type Kind =
  | "*"
  | "image"
  | "string"
  | "boolean"
  | "integer"
  | "float"
  | "float_zero_to_one"
  | "dictionary"
  | "list_of_values"
  | "language_model_output"
  | "object_detection_prediction"
  | "classification_prediction"
  | "top_class"
  | "secret"
  | "roboflow_model_id"
  | "roboflow_managed_key"
  | "inference_id"
  | "parent_id";

/** One property a step of this block may set. */
export interface PropertySpec {
  /** Validates a literal value written in the definition, and a selector's value once resolved at run time. */
  readonly schema: z.ZodType;
  /** Kinds a selector bound here may carry. Absent: the property takes literal values only. */
  readonly selectorKinds?: readonly Kind[];
  /** One value per batch element (an image, a model output), as opposed to one value for the whole run. */
  readonly batch?: boolean;
  /** Other names a definition may use for this property (`image` for `images`). */
  readonly aliases?: readonly string[];
  readonly description: string;
}

/** One output a step of this block produces, per batch element. */
export interface OutputSpec {
  readonly name: string;
  readonly kinds: readonly Kind[];
  readonly description?: string;
}

/** A problem found by a block's own validator (beyond each property's schema). */
export interface ValidationProblem {
  readonly property: string;
  readonly message: string;
  readonly validValues?: readonly string[];
}

/** What a step may say and what it outputs; `type` is the identifier definitions use ("roboflow_core/qwen_vlm@v1"). */
export interface BlockManifest {
  readonly type: string;
  /** The name people know it by ("Qwen-VL"). */
  readonly title: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly outputs: readonly OutputSpec[];
  /**
   * 1 for blocks that turn each input element into a list of elements (a crop per detection): steps that
   * consume those outputs run once per inner element. 0 (default) otherwise.
   */
  readonly outputDimensionalityOffset?: 0 | 1;
  /**
   * Outputs that depend on a step's own literal property values (json_parser: one output per expected field),
   * like Roboflow's `get_actual_outputs`. When present, a step's outputs are what this returns for its values
   * (after their schemas), and `outputs` only describes them for people, with `*` standing for "any name".
   * Absent (most blocks): a step's outputs are exactly `outputs`.
   */
  readonly dynamicOutputs?: (values: Readonly<Record<string, unknown>>) => readonly OutputSpec[];
  /**
   * Checks across properties after each value passed its schema. `unresolved` names the properties bound
   * to selectors whose values are not known yet (at compile time); checks that need them wait for run time.
   */
  readonly validate?: (
    values: Readonly<Record<string, unknown>>,
    unresolved: ReadonlySet<string>,
  ) => ValidationProblem[];
}

/** Options every block run receives. Blocks that call HTTP services read their settings here. */
export interface BlockContext {
  readonly signal?: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Replaces the global fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
  /** Called as batch elements finish. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Non-fatal notes for the person running the workflow (a setting ignored, a model without thinking). */
  readonly warn?: (message: string) => void;
  /** Where `rf_key:user:<id>` API keys are looked up. */
  readonly keyStore?: ApiKeyStore;
  /** Overrides of the HTTP retry policy; tests inject a `sleep` that records waits instead of waiting. */
  readonly retry?: Partial<RetryPolicy>;
  /** Time allowed for one HTTP request to a model service. */
  readonly requestTimeoutMs?: number;
}

/** Outputs of one batch element, keyed by output name; an Error fails that element alone. */
export type ElementResult = Readonly<Record<string, unknown>> | Error;

/** A block: its manifest and a function that runs one batch of elements (one params object per element). */
export interface Block<Params = Record<string, unknown>> {
  readonly manifest: BlockManifest;
  /**
   * Result i belongs to params i (values after their schemas, defaults filled in). Throwing fails every
   * element; an Error in the array fails one. (Method syntax, so a typed block fits a registry of any blocks.)
   */
  run(batch: readonly Params[], context: BlockContext): Promise<ElementResult[]>;
}
