/** Loading images from every source, and refusing bad ones with a message that names them. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageError } from "../../src/errors.js";
import { encodeJpegDataUri } from "../../src/vision/encode.js";
import { cropImage, decodeRgb, loadImage } from "../../src/vision/image.js";
import { pngBombHeader, SHARED_IMAGES, solidJpeg } from "../support/images.js";
import { type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

let folder = "";
let server: ScriptedServer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "qwen-vlm-images-"));
  const jpeg = await solidJpeg(30, 20);
  server = await startScriptedServer((request) =>
    request.path === "/photo.jpg"
      ? { bytes: jpeg, headers: { "content-type": "image/jpeg" } }
      : { status: 404, text: "gone" },
  );
});
afterAll(() => server.close());

describe("loadImage", () => {
  it("reads paths, data URLs, base64 objects and bytes", async () => {
    const jpeg = await solidJpeg(30, 20);
    const path = join(folder, "a.jpg");
    await writeFile(path, jpeg);
    const sources = [
      path,
      `data:image/jpeg;base64,${jpeg.toString("base64")}`,
      { type: "base64" as const, value: jpeg.toString("base64") },
      jpeg,
    ];
    for (const source of sources) {
      const image = await loadImage(source);
      expect([image.width, image.height, image.format]).toEqual([30, 20, "jpeg"]);
    }
  });

  it("reads the shared photos, including a progressive JPEG", async () => {
    const plate = await loadImage(`${SHARED_IMAGES}license_plate.jpg`);
    expect([plate.width, plate.height]).toEqual([1920, 1280]);
  });

  it("reports width and height as a person sees them (EXIF orientation)", async () => {
    const rotated = await sharp(await solidJpeg(60, 20))
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await loadImage(rotated);
    expect([image.width, image.height]).toEqual([20, 60]);
    const pixels = await decodeRgb(image);
    expect([pixels.width, pixels.height]).toEqual([20, 60]);
  });

  it.each([
    ["a missing file", () => "/no/such/file.jpg", /file.jpg: does not exist/],
    ["a folder", () => folder, /is a folder/],
    ["an empty file", async () => writeTemp("empty.jpg", Buffer.alloc(0)), /is empty/],
    [
      "a text file",
      async () => writeTemp("notes.jpg", Buffer.from("hello, not an image")),
      /is not an image that can be read/,
    ],
    ["a malformed data URL", () => "data:image/png;base64", /malformed/],
    ["bad base64", () => ({ type: "base64" as const, value: "***" }), /not valid base64/],
  ])("refuses %s", async (_, make, message) => {
    await expect(loadImage(await make())).rejects.toThrow(message);
  });

  it("refuses a 20000×20000 decompression bomb from its header, without decoding it", async () => {
    const before = process.memoryUsage().rss;
    const error = await loadImage(pngBombHeader(20000, 20000)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(/20000×20000 \(400.0 MP\), over the limit of 100.0 MP/);
    // Decoding would need 400 MB; reading the header needs next to nothing.
    expect(process.memoryUsage().rss - before).toBeLessThan(100_000_000);
  });

  it("refuses a truncated JPEG when decoding, naming it", async () => {
    const jpeg = await solidJpeg(300, 200);
    const image = await loadImage(jpeg.subarray(0, jpeg.length / 2));
    await expect(encodeJpegDataUri(image)).rejects.toThrow(/could not be decoded.*corrupt or truncated/);
  });

  it("downloads http URLs and names the status when that fails", async () => {
    expect((await loadImage(`${server.url}/photo.jpg`)).width).toBe(30);
    await expect(loadImage(`${server.url}/missing.jpg`)).rejects.toThrow(
      /missing.jpg: could not be downloaded: the server answered HTTP 404/,
    );
  });

  it("crops in the person-visible frame and remembers the origin", async () => {
    const image = await loadImage(await solidJpeg(100, 50));
    const crop = await cropImage(image, { xMin: 10, yMin: 5, xMax: 40.4, yMax: 25 });
    expect([crop.width, crop.height]).toEqual([30, 20]);
    expect(crop.origin).toEqual({ parentId: image.id, x: 10, y: 5, parentWidth: 100, parentHeight: 50 });
  });
});

describe("encodeJpegDataUri", () => {
  it("keeps the full size when it fits and downscales only as far as needed", async () => {
    const noisy = await sharp(
      Buffer.from(Array.from({ length: 400 * 300 * 3 }, () => Math.floor(Math.random() * 256))),
      {
        raw: { width: 400, height: 300, channels: 3 },
      },
    )
      .png()
      .toBuffer();
    const image = await loadImage(noisy);
    const full = await encodeJpegDataUri(image);
    expect([full.width, full.height, full.downscaled]).toEqual([400, 300, false]);
    const limit = Math.floor(full.dataUri.length / 2);
    const small = await encodeJpegDataUri(image, limit);
    expect(small.dataUri.length).toBeLessThanOrEqual(limit);
    expect(small.downscaled).toBe(true);
    // As far as needed: not far below the limit (a quarter of the area would be).
    expect(small.width).toBeGreaterThan(400 * 0.6);
    expect(small.width / small.height).toBeCloseTo(4 / 3, 1);
  });
});

async function writeTemp(name: string, bytes: Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return path;
}
