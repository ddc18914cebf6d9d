/**
 * The one small HTTP core: POST a JSON body, get a JSON body back, and turn every way that can fail into
 * one of our error families, decided when the error is made (retryable or not). Retries wrap it (retry.ts).
 */
import { ApiCallError, errorMessage, NetworkError, TimeoutError } from "../../errors.js";
import { describeFetchFailure } from "../../vision/image.js";

/** What to send, where, and how long to wait. */
export interface PostJsonRequest {
  /** Names the service in messages ("OpenRouter"). */
  readonly service: string;
  readonly url: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
  /** A sentence appended to the message for a given HTTP status (what the user should do). */
  readonly hints?: Readonly<Partial<Record<number, string>>>;
}

/** A successful (2xx) answer with its parsed JSON body. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * Statuses worth another try: the server says it is busy, timed out waiting for us, or failed. 4xx other than
 * these mean the request itself is wrong (400), unauthorized (401/403), unpaid (402) or unknown (404).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** POSTs `body` as JSON. Throws ApiCallError (non-2xx, non-JSON), NetworkError (no response) or TimeoutError. */
export async function postJson(request: PostJsonRequest): Promise<JsonResponse> {
  const fetchImpl = request.fetch ?? fetch;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) {
      throw new TimeoutError(
        `${request.service} did not answer within ${request.timeoutMs} ms (${request.url}); the request is not retried because it may have been served`,
        request.timeoutMs,
        { cause: error },
      );
    }
    throw new NetworkError(
      `could not reach ${request.service} at ${request.url} (${describeFetchFailure(error)})`,
      {
        cause: error,
      },
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw apiError(request, response, text);
  }
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  } catch (error) {
    throw new ApiCallError(
      `${request.service} answered HTTP ${response.status} with a body that is not JSON: ${snippet(text)} (${errorMessage(error)})`,
      { status: response.status, retryable: false, responseBody: text },
    );
  }
}

function apiError(request: PostJsonRequest, response: Response, text: string): ApiCallError {
  const status = response.status;
  const detail = errorDetail(text);
  const hint = request.hints?.[status];
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  return new ApiCallError(
    `${request.service} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}: ${detail}${hint ? `. ${hint}` : ""}`,
    {
      status,
      retryable: isRetryableStatus(status),
      responseBody: text,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    },
  );
}

/** The human part of an error body: OpenAI-style `{"error": {"message"}}`, `{"message"}`, or the text itself. */
export function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = body.error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
      const message = (error as { message: string }).message;
      const raw = (error as { metadata?: { raw?: unknown } }).metadata?.raw;
      // OpenRouter puts the upstream provider's own words in error.metadata.raw.
      return typeof raw === "string" && raw && !message.includes(raw)
        ? `${message} (${snippet(raw)})`
        : message;
    }
    if (typeof body.message === "string") return body.message;
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // not JSON: fall through to the raw text
  }
  return snippet(text) || "(empty body)";
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
