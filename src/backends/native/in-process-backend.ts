/**
 * The in-process native backend: resolve the model (label, override or fine-tuned id), make sure its files are
 * here (download once, or offline: only local), load it once into the process-wide pool, and generate. Thinking
 * traces are split from the answer; settings the runtime cannot honour come back as warnings.
 */
import type { ModelTraits, VlmBackend, VlmRequest, VlmResult } from "../backend.js";
import { splitThinking } from "../thinking.js";
import { createModelPool, type ModelPool } from "./model-pool.js";
import { type DownloadProgress, type ModelStoreSettings, modelFolder, prepareModel } from "./model-store.js";
import type { PixelBudget, QwenRuntimeModel, RuntimeOptions } from "./onnx-runtime.js";
import {
  boxCoordinatesOf,
  type DtypePlan,
  familyThinks,
  type OnnxDtype,
  type ResolvedModel,
  resolveNativeModel,
  type SessionName,
} from "./registry.js";

/** Everything the in-process backend needs, already read from the environment. */
export interface InProcessSettings {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly store: ModelStoreSettings;
  readonly runtime: RuntimeOptions;
  readonly pixelBudget: PixelBudget;
  readonly dtypeOverrides: Partial<Record<SessionName, OnnxDtype>>;
  readonly repoOverrides?: Readonly<Record<string, string>>;
  readonly pool: ModelPool<QwenRuntimeModel>;
}

let sharedPool: ModelPool<QwenRuntimeModel> | undefined;

/** The process-wide pool of loaded models, with its bound set to `maxLoaded`. */
export function sharedModelPool(maxLoaded: number): ModelPool<QwenRuntimeModel> {
  sharedPool ??= createModelPool<QwenRuntimeModel>(maxLoaded);
  sharedPool.setMaxLoaded(maxLoaded);
  return sharedPool;
}

let defaultProgress: ((progress: DownloadProgress) => void) | undefined;

/** Where download progress goes when the caller gives no callback (the CLI draws it on stderr). */
export function setDefaultDownloadProgress(report: ((progress: DownloadProgress) => void) | undefined): void {
  defaultProgress = report;
}

/** The download-progress callback in force when none is given. */
export function defaultDownloadProgress(): ((progress: DownloadProgress) => void) | undefined {
  return defaultProgress;
}

/** Applies per-part dtype overrides to a plan: an overridden part uses exactly that precision. */
export function withDtypeOverrides(
  plan: DtypePlan,
  overrides: Partial<Record<SessionName, OnnxDtype>>,
): DtypePlan {
  const entries = Object.entries(plan).map(([session, dtypes]) => {
    const override = overrides[session as SessionName];
    return [session, override ? [override] : dtypes];
  });
  return Object.fromEntries(entries) as DtypePlan;
}

/** Creates the in-process backend. */
export function createInProcessBackend(settings: InProcessSettings): VlmBackend {
  const resolve = (model: string): ResolvedModel => {
    const resolved = resolveNativeModel(model, {
      env: settings.env,
      ...(settings.repoOverrides ? { repoOverrides: settings.repoOverrides } : {}),
    });
    return { ...resolved, dtypes: withDtypeOverrides(resolved.dtypes, settings.dtypeOverrides) };
  };
  const poolKey = (resolved: ResolvedModel): string =>
    [
      modelFolder(resolved, settings.store),
      JSON.stringify(resolved.dtypes),
      settings.runtime.device ?? "cpu",
    ].join("\0");

  const withModel = <T>(resolved: ResolvedModel, work: (model: QwenRuntimeModel) => Promise<T>): Promise<T> =>
    settings.pool.use(
      poolKey(resolved),
      async () => {
        // Imported on first use: ONNX Runtime and transformers.js take ~0.5 s and ~150 MB to load, which
        // OpenRouter-only runs and the CLI's other commands should not pay.
        const { loadQwenModel } = await import("./onnx-runtime.js");
        return loadQwenModel(await prepareModel(resolved, settings.store), settings.runtime);
      },
      work,
    );

  return {
    name: "native",
    async describeModel(model): Promise<ModelTraits> {
      const resolved = resolve(model);
      const family = resolved.family ?? (await prepareModel(resolved, settings.store)).family;
      return { family, boxCoordinates: boxCoordinatesOf(family) };
    },
    async generate(request: VlmRequest): Promise<VlmResult> {
      const resolved = resolve(request.model);
      return withModel(resolved, async (model) => {
        const warnings: string[] = [];
        if (request.temperature !== undefined) {
          warnings.push(
            "temperature is ignored: the native runtime decodes greedily (always the likeliest token)",
          );
        }
        const thinks = familyThinks(model.family);
        if (request.enableThinking && !thinks) {
          warnings.push(
            `enable_thinking is ignored: ${request.model} (${model.family}) has no thinking mode`,
          );
        }
        const output = await model.generate({
          image: request.image,
          prompt: request.prompt,
          maxTokens: request.maxTokens,
          enableThinking: request.enableThinking && thinks,
          pixelBudget: settings.pixelBudget,
          ...(request.signal ? { signal: request.signal } : {}),
        });
        const split = splitThinking(output.text, { traceOpenedInPrompt: output.traceOpenedInPrompt });
        if (output.finishReason === "length") {
          warnings.push(
            split.answer === "" && split.thinking !== ""
              ? `the model used all ${request.maxTokens} tokens of max_tokens thinking, before any answer: raise max_tokens or turn enable_thinking off`
              : `the answer was cut off at max_tokens (${request.maxTokens}); raise max_tokens for the full answer`,
          );
        }
        return {
          output: split.answer,
          thinking: split.thinking,
          finishReason: output.finishReason,
          usage: {
            promptTokens: output.promptTokens,
            completionTokens: output.completionTokens,
            totalTokens: output.promptTokens + output.completionTokens,
          },
          model: resolved.label ?? model.folder,
          modelInputSize: output.modelInputSize,
          warnings,
        };
      });
    },
  };
}
