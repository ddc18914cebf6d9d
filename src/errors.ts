/**
 * Error families. Every error the project throws on purpose is a `QwenVlmError`; its message says what
 * went wrong and what to do about it. Messages never contain API keys (see `redactSecrets`).
 */

/** Base of every error this project throws on purpose. `code` is stable for programs; the message is for people. */
export class QwenVlmError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A setting is missing or unusable (no API key, no model folder, offline with nothing cached). */
export class ConfigurationError extends QwenVlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("configuration", message, options);
  }
}

/** A caller-supplied value is invalid. Names the property and, where there are some, the valid values. */
export class InvalidArgumentError extends QwenVlmError {
  readonly property: string;
  readonly validValues: readonly string[] | undefined;
  constructor(
    property: string,
    message: string,
    validValues?: readonly string[],
    options?: { cause?: unknown },
  ) {
    super("invalid_argument", `${property}: ${withChoices(message, validValues)}`, options);
    this.property = property;
    this.validValues = validValues;
  }
}

/** An image could not be read, decoded or accepted (missing file, corrupt data, too many pixels, failed URL). */
export class ImageError extends QwenVlmError {
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super("image", `image ${source}: ${message}`, options);
    this.source = source;
  }
}

/** An HTTP API answered with an error status, or with a 200 whose body is an error. */
export class ApiCallError extends QwenVlmError {
  readonly status: number;
  readonly retryable: boolean;
  /** Seconds the server asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;
  readonly responseBody: string;
  constructor(
    message: string,
    details: { status: number; retryable: boolean; retryAfterSeconds?: number; responseBody?: string },
    options?: { cause?: unknown },
  ) {
    super("api_call", message, options);
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.responseBody = redactSecrets(details.responseBody ?? "");
  }
}

/** The connection failed before any response arrived (refused, reset, DNS). Safe to retry. */
export class NetworkError extends QwenVlmError {
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super("network", message, options);
  }
}

/** No response within the allowed time. The request may have been served, so it is not retried. */
export class TimeoutError extends QwenVlmError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super("timeout", message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The model answered, but not with something usable. Keeps the raw text and the finish reason. */
export class ModelOutputError extends QwenVlmError {
  readonly rawText: string;
  readonly finishReason: string | undefined;
  constructor(message: string, details: { rawText?: string; finishReason?: string } = {}) {
    super("model_output", message);
    this.rawText = details.rawText ?? "";
    this.finishReason = details.finishReason;
  }
}

/** A model could not be found, downloaded or loaded. */
export class ModelLoadError extends QwenVlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_load", message, options);
  }
}

/** A workflow definition is invalid. Names the step (when there is one) and the JSON path. */
export class WorkflowDefinitionError extends QwenVlmError {
  readonly path: string;
  readonly step: string | undefined;
  constructor(path: string, message: string, step?: string) {
    super("workflow_definition", `${step ? `step "${step}" ` : ""}at ${path}: ${message}`);
    this.path = path;
    this.step = step;
  }
}

/** A step failed while running. Names the step and its block type; the cause is kept. */
export class StepExecutionError extends QwenVlmError {
  readonly step: string;
  readonly blockType: string;
  constructor(step: string, blockType: string, cause: unknown) {
    super("step_execution", `step "${step}" (${blockType}) failed: ${errorMessage(cause)}`, { cause });
    this.step = step;
    this.blockType = blockType;
  }
}

/** Removes one known secret (an API key in use) from an error's message and body, whatever its shape. */
export function redactKnownSecret<E>(error: E, secret: string): E {
  if (secret.length < 4 || !(error instanceof Error)) return error;
  error.message = error.message.split(secret).join("[redacted]");
  if (error instanceof ApiCallError) {
    (error as { responseBody: string }).responseBody = error.responseBody.split(secret).join("[redacted]");
  }
  return error;
}

/** Appends ` Valid values: "a", "b".` to a message when there are some, with one full stop between. */
export function withChoices(message: string, choices: readonly string[] | undefined): string {
  if (!choices?.length) return message;
  const stop = /[.!?]$/.test(message) ? "" : ".";
  return `${message}${stop} Valid values: ${choices.map((choice) => JSON.stringify(choice)).join(", ")}.`;
}

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// OpenRouter keys look like sk-or-v1-<64 hex>; other providers' keys like sk-<...>. Bearer tokens in
// echoed headers are caught too. Anything redacted keeps its first characters so a person can tell keys apart.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi,
];

/** Replaces anything that looks like an API key with a redacted form. Applied to every error message. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, bearer?: string) =>
      typeof bearer === "string" ? `${bearer}[redacted]` : `${match.slice(0, 6)}…[redacted]`,
    );
  }
  return result;
}
