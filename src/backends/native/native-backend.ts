/**
 * The native backend: a Qwen-VL model in process (ONNX Runtime, CPU unless asked) or, when a server URL is set
 * (QWEN_VLM_NATIVE_URL or `nativeURL`), the same prompts on an OpenAI-compatible GPU server the user runs.
 */

import type { VlmBackend } from "../backend.js";
import type { RetryPolicy } from "../http/retry.js";
import { createInProcessBackend, defaultDownloadProgress, sharedModelPool } from "./in-process-backend.js";
import type { ModelPool } from "./model-pool.js";
import { type DownloadProgress, storeSettingsFromEnv } from "./model-store.js";
import {
  deviceFromEnv,
  dtypeOverridesFromEnv,
  maxLoadedModelsFromEnv,
  pixelBudgetFromEnv,
} from "./native-settings.js";
import type { PixelBudget, QwenRuntimeModel } from "./onnx-runtime.js";
import type { OnnxDtype, SessionName } from "./registry.js";
import { createRemoteNativeBackend } from "./remote-native.js";

/** Settings the native backend reads. Everything but `env` is optional and overrides the environment. */
export interface NativeSettings {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Used for model downloads and for the remote server. */
  readonly fetch?: typeof fetch;
  /** Cancels downloads in progress. */
  readonly signal?: AbortSignal;
  /** Remote server retries (tests inject `sleep`). */
  readonly retry?: Partial<RetryPolicy>;
  /** Time allowed for one request to the remote server. */
  readonly requestTimeoutMs?: number;
  /** OpenAI-compatible server base URL; default QWEN_VLM_NATIVE_URL; unset = in process. */
  readonly nativeURL?: string;
  /** Cache folder for downloads; default QWEN_VLM_MODEL_DIR, else ~/.cache/qwen-vlm/models. */
  readonly modelDir?: string;
  /** Load only local files; default QWEN_VLM_OFFLINE. */
  readonly offline?: boolean;
  /** ONNX Runtime device; default QWEN_VLM_DEVICE, else "cpu". */
  readonly device?: string;
  readonly pixelBudget?: PixelBudget;
  /** Precision per model part, overriding the registry; default QWEN_VLM_MODEL_DTYPE. */
  readonly dtypes?: Partial<Record<SessionName, OnnxDtype>>;
  /** Label → hub repo id or folder, overriding the registry (and QWEN_VLM_MODEL_REPO_<LABEL>). */
  readonly repoOverrides?: Readonly<Record<string, string>>;
  /** Extra ONNX Runtime session options (threads, graph optimization). */
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
  readonly onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Loaded models; default the process-wide pool bounded by QWEN_VLM_MAX_LOADED_MODELS. */
  readonly pool?: ModelPool<QwenRuntimeModel>;
}

/** Creates the native backend for the settings in force. */
export async function createNativeBackend(settings: NativeSettings): Promise<VlmBackend> {
  const { env } = settings;
  const pixelBudget = settings.pixelBudget ?? pixelBudgetFromEnv(env);
  const nativeURL = settings.nativeURL ?? env.QWEN_VLM_NATIVE_URL?.trim();
  if (nativeURL) {
    const model = env.QWEN_VLM_NATIVE_MODEL?.trim();
    const apiKey = env.QWEN_VLM_NATIVE_API_KEY?.trim();
    return createRemoteNativeBackend({
      baseURL: nativeURL,
      pixelBudget,
      ...(model ? { model } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      ...(settings.retry ? { retry: settings.retry } : {}),
      ...(settings.requestTimeoutMs ? { timeoutMs: settings.requestTimeoutMs } : {}),
    });
  }
  const onProgress = settings.onDownloadProgress ?? defaultDownloadProgress();
  const store = storeSettingsFromEnv(env, {
    ...(settings.modelDir ? { modelDir: settings.modelDir } : {}),
    ...(settings.offline === undefined ? {} : { offline: settings.offline }),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
    ...(settings.signal ? { signal: settings.signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return createInProcessBackend({
    env,
    store,
    runtime: {
      device: settings.device ?? deviceFromEnv(env),
      ...(settings.sessionOptions ? { sessionOptions: settings.sessionOptions } : {}),
    },
    pixelBudget,
    dtypeOverrides: settings.dtypes ?? dtypeOverridesFromEnv(env),
    ...(settings.repoOverrides ? { repoOverrides: settings.repoOverrides } : {}),
    pool: settings.pool ?? sharedModelPool(maxLoadedModelsFromEnv(env)),
  });
}
