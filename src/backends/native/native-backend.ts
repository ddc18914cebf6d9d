/** The native backend: a Qwen-VL model in process (ONNX Runtime) or on a GPU server the user points at. */
import { ConfigurationError } from "../../errors.js";
import type { VlmBackend } from "../backend.js";

/** Settings the native backend reads. */
export interface NativeSettings {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
}

/** Creates the native backend for the settings in force. */
export async function createNativeBackend(_settings: NativeSettings): Promise<VlmBackend> {
  throw new ConfigurationError(
    'backend "native" is not available in this version yet: use backend "openrouter"',
  );
}
