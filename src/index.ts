/** Public API of qwen-vlm: explicit named exports; everything else is internal. */

// Running the Qwen block directly
export {
  type QwenVlmImageResult,
  type QwenVlmOptions,
  type RunQwenVlmRuntime,
  runQwenVlm,
} from "./api/run-qwen-vlm.js";

// Running workflows: compile a definition, run it, serialize its results
export { type RunWorkflowOptions, runWorkflow } from "./api/run-workflow.js";

// Backends
export type { ChatPrompt, Usage, VlmBackend, VlmRequest, VlmResult } from "./backends/backend.js";
export { createNativeBackend, type NativeSettings } from "./backends/native/native-backend.js";
export { NATIVE_MODEL_REGISTRY, type NativeModelEntry } from "./backends/native/registry.js";
export { loadModelFolder, type RunOnceReport, runNativeOnce } from "./backends/native/run-once.js";
export type { ApiKeyStore } from "./backends/openrouter/api-key.js";
export {
  createOpenRouterBackend,
  type OpenRouterSettings,
} from "./backends/openrouter/openrouter-backend.js";
export { providerRouting } from "./backends/openrouter/privacy.js";
export { splitThinking } from "./backends/thinking.js";

// Blocks
export type { Block, BlockContext, BlockManifest, Kind, OutputSpec, PropertySpec } from "./blocks/block.js";
export { manifestJsonSchema } from "./blocks/describe.js";
export { type QwenVlmParams, qwenVlmManifest } from "./blocks/models/qwen-vlm/manifest.js";
export {
  NATIVE_MODEL_LABELS,
  OPENROUTER_MODEL_LABELS,
  OPENROUTER_MODELS,
} from "./blocks/models/qwen-vlm/models.js";
export {
  buildPrompt,
  CLASSIFICATION_CONTRACT,
  DETECTION_CONTRACT,
  MULTI_LABEL_CONTRACT,
} from "./blocks/models/qwen-vlm/prompts.js";
export { TASK_TYPES, type TaskType } from "./blocks/models/qwen-vlm/task-types.js";
export { qwenVlmV1 } from "./blocks/models/qwen-vlm/v1.js";
export { BLOCK_REGISTRY, findBlock } from "./blocks/registry.js";

// Workflow engine
export { type BlockRegistry, type CompileOptions, compileWorkflow } from "./engine/compile.js";
export { WorkflowCompileError } from "./engine/compile-error.js";
export type { CompiledWorkflow } from "./engine/compiled.js";
export type { WorkflowDefinition } from "./engine/definition.js";
export { type ExecuteOptions, executeWorkflow, type StepProgress } from "./engine/execute.js";
export {
  serializeValue,
  serializeWorkflowResults,
  type WorkflowOutputError,
  type WorkflowResult,
} from "./engine/results.js";
export type { WorkflowInputs } from "./engine/run-inputs.js";

// Errors
export {
  ApiCallError,
  ConfigurationError,
  ImageError,
  InvalidArgumentError,
  ModelLoadError,
  ModelOutputError,
  NetworkError,
  QwenVlmError,
  StepExecutionError,
  TimeoutError,
  WorkflowDefinitionError,
} from "./errors.js";

// Images and detections
export { type Detection, type Detections, serializeDetections } from "./vision/detections.js";
export { type ImageSource, loadImage, type WorkflowImage } from "./vision/image.js";
