/**
 * Downloading one model file over HTTP into the cache: streamed to disk (model files are gigabytes), progress
 * reported in bytes, written under a temporary name and renamed into place only when complete, so a file that
 * exists in the cache is always whole — an interrupted download leaves nothing that looks finished.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { errorMessage, ModelLoadError } from "../../errors.js";
import { describeFetchFailure } from "../../vision/image.js";

/** Bytes of one file so far; `totalBytes` when the server said (Content-Length). */
export interface FileProgress {
  readonly file: string;
  readonly loadedBytes: number;
  readonly totalBytes?: number;
}

/** What {@link downloadFile} needs besides the URL and destination. */
export interface DownloadOptions {
  /** Names the file in progress reports and messages (`onnx/decoder_model_merged_q4.onnx`). */
  readonly file: string;
  readonly fetch?: typeof fetch;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
}

// Hugging Face answers 401 for a private or gated repo without a token, 403 when the token lacks access.
const STATUS_HINTS: Readonly<Partial<Record<number, string>>> = {
  401: "the repo is private or gated: accept its terms on huggingface.co and set HF_TOKEN",
  403: "access refused: check that HF_TOKEN has access to this repo",
  429: "rate limited by the hub: wait a few minutes and try again",
};

/**
 * Downloads `url` to `destination`. Resolves "missing" on HTTP 404 (the caller decides whether the file was
 * optional); throws ModelLoadError for any other failure, naming the file and what to do.
 */
export async function downloadFile(
  url: string,
  destination: string,
  options: DownloadOptions,
): Promise<"downloaded" | "missing"> {
  const fetchImpl = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      redirect: "follow",
      ...(options.headers ? { headers: { ...options.headers } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ModelLoadError(
      `could not download ${options.file} from ${url} (${describeFetchFailure(error)}); check the connection, ` +
        "or set QWEN_VLM_OFFLINE=1 to use only models already in the cache",
      { cause: error },
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return "missing";
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const hint = STATUS_HINTS[response.status];
    throw new ModelLoadError(
      `could not download ${options.file} from ${url}: HTTP ${response.status} ${response.statusText}${hint ? `; ${hint}` : ""}`,
    );
  }
  const header = response.headers.get("content-length");
  const totalBytes = header === null ? undefined : Number(header);
  await mkdir(path.dirname(destination), { recursive: true });
  const partial = `${destination}.partial-${process.pid}`;
  let loadedBytes = 0;
  const report = (): void =>
    options.onProgress?.({
      file: options.file,
      loadedBytes,
      ...(totalBytes === undefined ? {} : { totalBytes }),
    });
  report();
  const counted = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).on(
    "data",
    (chunk: Buffer) => {
      loadedBytes += chunk.length;
      report();
    },
  );
  try {
    await pipeline(counted, createWriteStream(partial));
    if (totalBytes !== undefined && loadedBytes !== totalBytes) {
      throw new Error(`got ${loadedBytes} of ${totalBytes} bytes`);
    }
    await rename(partial, destination);
  } catch (error) {
    await rm(partial, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ModelLoadError(
      `the download of ${options.file} from ${url} broke off (${errorMessage(error)}); run the same command again to retry`,
      { cause: error },
    );
  }
  return "downloaded";
}
