/** Images made for tests: solid colours of chosen sizes, EXIF-rotated photos, corrupt files, decompression bombs. */
import { deflateSync } from "node:zlib";
import sharp from "sharp";

/** Shared test photos from ../shared/images. */
export const SHARED_IMAGES = new URL("../../../shared/images/", import.meta.url).pathname;

/** A JPEG of one colour. */
export function solidJpeg(
  width: number,
  height: number,
  rgb: [number, number, number] = [200, 80, 40],
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg()
    .toBuffer();
}

/** A data URL of a solid JPEG. */
export async function solidDataUrl(width: number, height: number): Promise<string> {
  return `data:image/jpeg;base64,${(await solidJpeg(width, height)).toString("base64")}`;
}

/**
 * A PNG whose header claims width×height pixels but whose data is a few bytes: what a decompression bomb looks
 * like to a reader that checks the header (the whole thing would decode to width·height bytes).
 */
export function pngBombHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
