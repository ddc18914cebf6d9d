/**
 * Encoding an image for upload as a `data:image/jpeg;base64,…` URI: decoded with sharp, EXIF-oriented, alpha
 * flattened onto white, JPEG-encoded, and downscaled only as far as needed to fit the size limit.
 */
import { ImageError } from "../errors.js";
import { pixelsOf, type WorkflowImage, withDecodeErrors } from "./image.js";

/**
 * One provider behind OpenRouter (Alibaba DashScope, which serves the Qwen API models) rejects data-URI images
 * over 10,485,760 bytes (DESIGN.md §1; Roboflow's Qwen block v2 notes the same limit).
 */
export const MAX_DATA_URI_BYTES = 10_485_760;
const JPEG_QUALITY = 90;
const DATA_URI_PREFIX = "data:image/jpeg;base64,";

/** An encoded upload and the size it was encoded at. */
export interface EncodedImage {
  readonly dataUri: string;
  readonly width: number;
  readonly height: number;
  /** True when the image had to be made smaller to fit. */
  readonly downscaled: boolean;
}

/** Length of the data URI that `byteLength` bytes of JPEG become. */
function dataUriLength(byteLength: number): number {
  return DATA_URI_PREFIX.length + Math.ceil(byteLength / 3) * 4;
}

/** Encodes as a JPEG data URI no longer than `maxBytes`, downscaling only when the full size does not fit. */
export async function encodeJpegDataUri(
  image: WorkflowImage,
  maxBytes: number = MAX_DATA_URI_BYTES,
): Promise<EncodedImage> {
  return withDecodeErrors(image, async () => {
    // One sharp pipeline per attempt, straight from the encoded bytes: no raw pixels cross into JavaScript, and a
    // downscaling attempt lets libjpeg shrink while decoding. Nearly every image fits on the first attempt.
    let width = image.width;
    let height = image.height;
    for (let attempt = 0; attempt < 12; attempt++) {
      let pipeline = pixelsOf(image).flatten({ background: "#ffffff" });
      if (width !== image.width)
        pipeline = pipeline.resize(width, height, { fit: "fill", kernel: "lanczos3" });
      const jpeg = await pipeline.jpeg({ quality: JPEG_QUALITY }).toBuffer();
      const length = dataUriLength(jpeg.length);
      if (length <= maxBytes) {
        return {
          dataUri: DATA_URI_PREFIX + jpeg.toString("base64"),
          width,
          height,
          downscaled: width !== image.width,
        };
      }
      // JPEG size grows roughly with pixel count: shrink the area by the overshoot, with 5 % to spare.
      const scale = Math.sqrt(maxBytes / length) * 0.95;
      width = Math.max(1, Math.floor(width * scale));
      height = Math.max(1, Math.floor(height * scale));
    }
    throw new ImageError(image.source, `could not be encoded under ${maxBytes} bytes as a JPEG data URI`);
  });
}
