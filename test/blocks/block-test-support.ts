/** What the block tests share: a run context that records warnings, and test images of a chosen size. */
import { randomUUID } from "node:crypto";
import type { BlockContext } from "../../src/blocks/block.js";
import { imageFromBytes, type WorkflowImage } from "../../src/vision/image.js";
import { solidJpeg } from "../support/images.js";

/** A block context whose warnings land in `warnings`. */
export function recordingContext(): BlockContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { env: {}, warn: (message) => warnings.push(message), warnings };
}

/** A solid-colour JPEG image of this size. */
export async function solidImage(width: number, height: number): Promise<WorkflowImage> {
  return imageFromBytes(await solidJpeg(width, height), `solid ${width}×${height}`);
}

/** An image whose header fields look fine but whose bytes are not an image: decoding it fails. */
export function corruptImage(width = 64, height = 48): WorkflowImage {
  return {
    id: randomUUID(),
    source: "corrupt.jpg",
    bytes: Buffer.from("not a jpeg"),
    format: "jpeg",
    width,
    height,
  };
}

/** RFC 4122 UUID, as Roboflow's uuid4() prints it. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
