/**
 * The workflow definition format (DESIGN.md §2), as Roboflow Workflows users already write it: inputs, steps,
 * outputs. This file is the spec only: the compiler reads definitions through this schema and nothing else.
 * Unknown keys are ignored, as Roboflow's pydantic models do, so definitions exported from Roboflow load.
 */
import { z } from "zod";

/**
 * Names a selector can reach: `$inputs.<name>` and `$steps.<name>.<output>` only match letters, digits, `_`
 * and `-` (Roboflow's selector pattern), so a step or input named otherwise could never be bound.
 */
export const REFERENCE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

const referenceName = z
  .string()
  .min(1)
  .regex(REFERENCE_NAME_PATTERN, "must use only letters, digits, _ and - (so selectors can name it)");

const kindList = z
  .union([z.string().min(1), z.array(z.string().min(1))], {
    error: "must be a kind name or a list of kind names",
  })
  .optional();

/** An image input; a list of images at run time makes a batch. `InferenceImage` is Roboflow's older name. */
export const imageInputSchema = z.object({
  type: z.enum(["WorkflowImage", "InferenceImage"]),
  name: referenceName,
  kind: kindList,
});

/** One value for the whole run. Without `kind` it may connect to any property. */
export const parameterInputSchema = z.object({
  type: z.enum(["WorkflowParameter", "InferenceParameter"]),
  name: referenceName,
  kind: kindList,
  default_value: z.unknown().optional(),
});

/** One value per batch element (a list at run time), e.g. a prompt per image. */
export const batchInputSchema = z.object({
  type: z.literal("WorkflowBatchInput"),
  name: referenceName,
  kind: kindList,
  dimensionality: z.literal(1, "only 1 is supported (one value per input image)").optional(),
});

/** Any input. */
export const inputSchema = z.discriminatedUnion("type", [
  imageInputSchema,
  parameterInputSchema,
  batchInputSchema,
]);

/** A step: the block type, a unique name and the block's properties (checked against its manifest later). */
export const stepSchema = z.looseObject({ type: z.string().min(1), name: referenceName });

/** A value of the result: `$inputs.x`, `$steps.s.o` or every output of a step, `$steps.s.*`. */
export const outputSchema = z.object({
  type: z.literal("JsonField"),
  name: z.string().min(1),
  selector: z.string().min(1),
  /**
   * Roboflow's default is "parent": predictions made on crops are moved into the input image's coordinates.
   * Not implemented yet; see the compiler's warning.
   */
  coordinates_system: z.enum(["own", "parent"]).optional(),
});

/** A whole definition. `version` 1.x only (Roboflow's execution engine v1 format); absent means "1.0". */
export const workflowDefinitionSchema = z.object({
  version: z
    .string()
    .regex(/^1(\.\d+)*$/, 'is not supported: this engine runs version "1.x" definitions')
    .optional(),
  inputs: z.array(inputSchema).default([]),
  steps: z.array(stepSchema),
  outputs: z.array(outputSchema).min(1, "is empty: declare at least one JsonField output"),
});

/** A definition after its structure was checked. */
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
/** One input declaration. */
export type InputDefinition = z.infer<typeof inputSchema>;
/** One step declaration. */
export type StepDefinition = z.infer<typeof stepSchema>;
/** One output declaration. */
export type OutputDefinition = z.infer<typeof outputSchema>;
