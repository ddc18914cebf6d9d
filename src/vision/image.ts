/**
 * Images as the blocks receive them: loaded from a path, URL, data URL, base64 or bytes; checked from the
 * header alone (format, size, pixel count) so a decompression bomb is refused before any pixel is allocated;
 * decoded with sharp only when a block needs pixels.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import sharp, { type Metadata, type Sharp } from "sharp";
import { errorMessage, ImageError } from "../errors.js";

/** An image ready for the blocks. Immutable: operations return new images. */
export interface WorkflowImage {
  /** Stable id, used as `parent_id` of predictions made on this image. */
  readonly id: string;
  /** Where it came from, for messages: a path, a URL, "data URL", "base64 input", "crop of …". */
  readonly source: string;
  /** The encoded bytes (JPEG, PNG, WebP, …) as received: EXIF orientation not yet applied. */
  readonly bytes: Buffer;
  /** Format sharp detected ("jpeg", "png", "webp", …). */
  readonly format: string;
  /** Width and height as a person sees the image, after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** For a crop: the image it was cut from and the crop's top-left corner in it. */
  readonly origin?: ImageOrigin;
}

/** Where a crop sits in the original (root) image it was ultimately cut from, and that image's size. */
export interface ImageOrigin {
  readonly parentId: string;
  readonly x: number;
  readonly y: number;
  readonly parentWidth: number;
  readonly parentHeight: number;
}

/** An image as users give it: path, http(s) URL, data URL, raw bytes, an inference-server style object, or a loaded image. */
export type ImageSource =
  | string
  | Uint8Array
  | WorkflowImage
  | { readonly type: "base64" | "url" | "file"; readonly value: string };

/** Options for {@link loadImage}. */
export interface LoadImageOptions {
  /** Refuse images with more pixels than this, read from the header before decoding. */
  readonly maxPixels?: number;
  /** Used for http(s) URLs; tests pass their own. */
  readonly fetch?: typeof fetch;
  /** Time allowed for downloading an image URL. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Default pixel limit: 100 MP takes any camera photo (a 24 MP JPEG is a quarter of it) and refuses the
 * 20000×20000 class of decompression bomb. Override with `QWEN_VLM_MAX_IMAGE_PIXELS`.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

/** The pixel limit in force: `QWEN_VLM_MAX_IMAGE_PIXELS` when set to a positive integer, else the default. */
export function maxImagePixelsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.QWEN_VLM_MAX_IMAGE_PIXELS;
  if (raw === undefined || raw === "") return DEFAULT_MAX_IMAGE_PIXELS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ImageError("settings", `QWEN_VLM_MAX_IMAGE_PIXELS must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** Loads and checks an image from any {@link ImageSource}. Throws {@link ImageError} naming the source. */
export async function loadImage(source: ImageSource, options: LoadImageOptions = {}): Promise<WorkflowImage> {
  if (isWorkflowImage(source)) return source;
  const { bytes, label } = await readSource(source, options);
  return imageFromBytes(bytes, label, options.maxPixels);
}

/** Wraps encoded bytes as a {@link WorkflowImage} after checking the header. */
export async function imageFromBytes(
  bytes: Buffer,
  label: string,
  maxPixels: number = maxImagePixelsFromEnv(),
  origin?: ImageOrigin,
): Promise<WorkflowImage> {
  if (bytes.length === 0) throw new ImageError(label, "is empty (0 bytes)");
  let metadata: Metadata;
  try {
    // metadata() reads the header only; nothing is decoded here.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(
      label,
      `is not an image that can be read (${errorMessage(error)}); use a JPEG, PNG, WebP, GIF, TIFF or AVIF file`,
      { cause: error },
    );
  }
  const { width, height, format } = metadata;
  if (!width || !height || !format)
    throw new ImageError(label, "has no width, height or format in its header");
  if (width * height > maxPixels) {
    throw new ImageError(
      label,
      `is ${width}×${height} (${megapixels(width * height)} MP), over the limit of ${megapixels(maxPixels)} MP; ` +
        "downscale it first or raise QWEN_VLM_MAX_IMAGE_PIXELS if you trust its source",
    );
  }
  // EXIF orientations 5-8 rotate by 90°: what a person sees has width and height swapped.
  const swapped = (metadata.orientation ?? 1) >= 5;
  return {
    id: randomUUID(),
    source: label,
    bytes,
    format,
    width: swapped ? height : width,
    height: swapped ? width : height,
    ...(origin ? { origin } : {}),
  };
}

/** True for an already-loaded image. */
export function isWorkflowImage(value: unknown): value is WorkflowImage {
  return (
    typeof value === "object" &&
    value !== null &&
    "bytes" in value &&
    "width" in value &&
    "id" in value &&
    Buffer.isBuffer((value as WorkflowImage).bytes)
  );
}

/** A short, human name for where an image came from (never the whole base64). */
export function describeSource(source: ImageSource): string {
  if (isWorkflowImage(source)) return source.source;
  if (source instanceof Uint8Array) return `bytes (${source.length} bytes)`;
  if (typeof source === "string") return source.startsWith("data:") ? "data URL" : source;
  return source.type === "base64" ? "base64 input" : source.value;
}

/** Decoded, EXIF-oriented pixels. */
export interface RgbPixels {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

/** Decodes to RGB (alpha flattened onto white), optionally resized to exactly `size`. */
export async function decodeRgb(
  image: WorkflowImage,
  size?: { width: number; height: number },
): Promise<RgbPixels> {
  return withDecodeErrors(image, async () => {
    let pipeline = pixelsOf(image).flatten({ background: "#ffffff" });
    if (size) pipeline = pipeline.resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" });
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: 3 };
  });
}

/** A sharp pipeline over the image's pixels, EXIF-oriented. Callers add steps, then encode. */
export function pixelsOf(image: WorkflowImage): Sharp {
  return sharp(image.bytes, { limitInputPixels: false, failOn: "error" }).rotate();
}

/** Runs a decode step, turning sharp's failures (corrupt or truncated data) into an {@link ImageError}. */
export async function withDecodeErrors<T>(image: WorkflowImage, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(
      image.source,
      `could not be decoded (${errorMessage(error)}); the file may be corrupt or truncated`,
      {
        cause: error,
      },
    );
  }
}

/** Cuts a rectangle out of an image (pixel corners, clamped to the image); the crop remembers its origin. */
export async function cropImage(
  image: WorkflowImage,
  box: { xMin: number; yMin: number; xMax: number; yMax: number },
): Promise<WorkflowImage> {
  const left = clamp(Math.round(box.xMin), 0, image.width - 1);
  const top = clamp(Math.round(box.yMin), 0, image.height - 1);
  const right = clamp(Math.round(box.xMax), left + 1, image.width);
  const bottom = clamp(Math.round(box.yMax), top + 1, image.height);
  // rotate() (EXIF) comes before extract() in the pipeline, so the box means what the person saw.
  const bytes = await withDecodeErrors(image, () =>
    pixelsOf(image)
      .extract({ left, top, width: right - left, height: bottom - top })
      .png()
      .toBuffer(),
  );
  const parentOrigin = image.origin;
  return imageFromBytes(bytes, `crop of ${image.source}`, Number.MAX_SAFE_INTEGER, {
    parentId: parentOrigin ? parentOrigin.parentId : image.id,
    x: left + (parentOrigin?.x ?? 0),
    y: top + (parentOrigin?.y ?? 0),
    parentWidth: parentOrigin ? parentOrigin.parentWidth : image.width,
    parentHeight: parentOrigin ? parentOrigin.parentHeight : image.height,
  });
}

async function readSource(
  source: Exclude<ImageSource, WorkflowImage>,
  options: LoadImageOptions,
): Promise<{ bytes: Buffer; label: string }> {
  if (source instanceof Uint8Array) return { bytes: Buffer.from(source), label: describeSource(source) };
  if (typeof source === "string") {
    if (source.startsWith("data:")) return { bytes: decodeDataUrl(source), label: "data URL" };
    if (/^https?:\/\//i.test(source)) return { bytes: await download(source, options), label: source };
    return { bytes: await readLocalFile(source), label: source };
  }
  switch (source.type) {
    case "base64":
      return { bytes: decodeBase64(source.value, "base64 input"), label: "base64 input" };
    case "url":
      return readSource(source.value, options);
    case "file":
      return { bytes: await readLocalFile(source.value), label: source.value };
    default:
      throw new ImageError(
        "input",
        `has unknown type ${JSON.stringify((source as { type: unknown }).type)}; use "base64", "url" or "file"`,
      );
  }
}

async function readLocalFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "does not exist"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : code === "EACCES"
            ? "cannot be read (permission denied)"
            : `cannot be read (${errorMessage(error)})`;
    throw new ImageError(path, reason, { cause: error });
  }
}

function decodeDataUrl(url: string): Buffer {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!match) throw new ImageError("data URL", "is malformed; expected data:image/<type>;base64,<data>");
  if (!match[2]) return Buffer.from(decodeURIComponent(match[3] ?? ""), "latin1");
  return decodeBase64(match[3] ?? "", "data URL");
}

function decodeBase64(value: string, label: string): Buffer {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) {
    throw new ImageError(label, "is not valid base64");
  }
  return Buffer.from(compact, "base64");
}

async function download(url: string, options: LoadImageOptions): Promise<Buffer> {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.any(signals), redirect: "follow" });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw new ImageError(
      url,
      timedOut
        ? `did not download within ${timeoutMs} ms`
        : `could not be downloaded (${describeFetchFailure(error)})`,
      { cause: error },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ImageError(
      url,
      `could not be downloaded: the server answered HTTP ${response.status} ${response.statusText}`,
    );
  }
  return Buffer.from(await response.arrayBuffer());
}

/** fetch() hides the real reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
export function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return errorMessage(error);
}

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toFixed(1);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
