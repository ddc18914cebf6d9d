import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { type Detection, type Detections, makeDetection } from "../../src/vision/detections.js";
import { drawBoxes, drawLabels, labelText, NAMED_PALETTES, parseColor } from "../../src/vision/draw.js";
import { imageFromBytes, loadImage, type WorkflowImage } from "../../src/vision/image.js";

const DOGS = fileURLToPath(new URL("../../../shared/images/dogs.jpg", import.meta.url));
// Renders land here so a person can look at them after a run.
const RENDER_FOLDER = join(tmpdir(), "qwen-vlm-draw-test");

// Boxes drawn by hand around the two dogs of dogs.jpg (640×427, upright).
const TALL_DOG = { xMin: 225, yMin: 72, xMax: 415, yMax: 385 };
const SMALL_DOG = { xMin: 318, yMin: 222, xMax: 582, yMax: 408 };
const PURPLE = parseColor(NAMED_PALETTES.DEFAULT[0], "test"); // class 0
const RED = parseColor(NAMED_PALETTES.DEFAULT[1], "test"); // class 1

interface Pixels {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

let dogs: WorkflowImage;
let dogsPixels: Pixels;

beforeAll(async () => {
  dogs = await loadImage(DOGS);
  dogsPixels = await decode(dogs);
  await mkdir(RENDER_FOLDER, { recursive: true });
});

function dogDetections(extra: Partial<Detection>[] = []): Detections {
  const items = [
    makeDetection({ ...TALL_DOG, confidence: 0.91, classId: 0, className: "dog" }),
    makeDetection({ ...SMALL_DOG, confidence: 0.87, classId: 1, className: "terrier" }),
    ...extra.map((fields) =>
      makeDetection({ ...TALL_DOG, confidence: 0.5, classId: 0, className: "dog", ...fields }),
    ),
  ];
  return { image: { width: dogs.width, height: dogs.height }, parentId: dogs.id, items };
}

async function decode(image: WorkflowImage): Promise<Pixels> {
  const { data, info } = await sharp(image.bytes)
    .rotate()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function pixel(pixels: Pixels, x: number, y: number): { r: number; g: number; b: number } {
  const offset = (y * pixels.width + x) * 3;
  return { r: pixels.data[offset] ?? -1, g: pixels.data[offset + 1] ?? -1, b: pixels.data[offset + 2] ?? -1 };
}

async function save(image: WorkflowImage, name: string): Promise<void> {
  await writeFile(join(RENDER_FOLDER, name), image.bytes);
}

describe("drawBoxes", () => {
  it("outlines each box in its class's palette colour and leaves the rest of the image alone", async () => {
    const drawn = await drawBoxes(dogs, dogDetections());
    await save(drawn, "boxes.png");
    expect(drawn.format).toBe("png");
    expect([drawn.width, drawn.height]).toEqual([dogs.width, dogs.height]);
    const pixels = await decode(drawn);
    expect([pixels.width, pixels.height]).toEqual([dogs.width, dogs.height]);
    // Thickness 2 (the default) covers the corner's pixel row and the one before it.
    expect(pixel(pixels, 300, TALL_DOG.yMin)).toEqual(PURPLE);
    expect(pixel(pixels, 300, TALL_DOG.yMin - 1)).toEqual(PURPLE);
    expect(pixel(pixels, TALL_DOG.xMin, 200)).toEqual(PURPLE);
    expect(pixel(pixels, SMALL_DOG.xMax, 300)).toEqual(RED);
    expect(pixel(pixels, 450, SMALL_DOG.yMax)).toEqual(RED);
    for (const [x, y] of [
      [260, 120], // inside the tall dog's box
      [500, 300], // inside the small dog's box
      [100, 100], // outside both
    ] as const) {
      expect(pixel(pixels, x, y)).toEqual(pixel(dogsPixels, x, y));
    }
  });

  it("rounds corners when roundness > 0, and draws thicker outlines", async () => {
    const drawn = await drawBoxes(dogs, dogDetections(), { roundness: 0.6, thickness: 5 });
    await save(drawn, "boxes-round.png");
    const pixels = await decode(drawn);
    // A square corner would be coloured; a round one leaves the corner pixel as it was.
    expect(pixel(pixels, TALL_DOG.xMin, TALL_DOG.yMin)).toEqual(
      pixel(dogsPixels, TALL_DOG.xMin, TALL_DOG.yMin),
    );
    expect(pixel(pixels, 320, TALL_DOG.yMin - 2)).toEqual(PURPLE);
    expect(pixel(pixels, 320, TALL_DOG.yMin + 2)).toEqual(PURPLE);
  });

  it("colours by position with color_axis INDEX and by custom colours", async () => {
    const pixels = await decode(
      await drawBoxes(dogs, dogDetections(), {
        colorPalette: "CUSTOM",
        customColors: ["#00FF00", "rgb(0, 0, 255)"],
        colorAxis: "INDEX",
      }),
    );
    expect(pixel(pixels, 300, TALL_DOG.yMin)).toEqual({ r: 0, g: 255, b: 0 });
    expect(pixel(pixels, SMALL_DOG.xMax, 300)).toEqual({ r: 0, g: 0, b: 255 });
  });

  it("draws in the upright frame of an image whose EXIF orientation rotates it", async () => {
    // Stored turned a quarter left, tagged "rotate 90° clockwise to display" (orientation 6).
    const stored = await sharp(await readFile(DOGS))
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const rotated = await imageFromBytes(stored, "rotated dogs");
    expect((await sharp(stored).metadata()).width).toBe(dogs.height);
    expect([rotated.width, rotated.height]).toEqual([dogs.width, dogs.height]);
    const drawn = await drawBoxes(rotated, dogDetections());
    await save(drawn, "boxes-exif-6.png");
    const pixels = await decode(drawn);
    expect([pixels.width, pixels.height]).toEqual([dogs.width, dogs.height]);
    expect(pixel(pixels, 300, TALL_DOG.yMin)).toEqual(PURPLE);
    expect(pixel(pixels, SMALL_DOG.xMax, 300)).toEqual(RED);
    // Away from the boxes the picture is the upright photo (JPEG re-encoding aside).
    const inside = pixel(pixels, 260, 120);
    const original = pixel(dogsPixels, 260, 120);
    expect(Math.abs(inside.r - original.r) + Math.abs(inside.g - original.g)).toBeLessThan(30);
  });

  it("keeps a crop's origin and refuses bad options with the property's name", async () => {
    const crop = { ...dogs, origin: { parentId: "parent", x: 5, y: 6, parentWidth: 700, parentHeight: 500 } };
    expect((await drawBoxes(crop, dogDetections())).origin).toEqual(crop.origin);
    await expect(drawBoxes(dogs, dogDetections(), { roundness: 1.5 })).rejects.toThrow(/roundness/);
    await expect(drawBoxes(dogs, dogDetections(), { thickness: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(drawBoxes(dogs, dogDetections(), { colorAxis: "TRACK" })).rejects.toThrow(/tracker/);
    await expect(drawBoxes(dogs, dogDetections(), { colorPalette: "Matplotlib Viridis" })).rejects.toThrow(
      /color_palette.*DEFAULT/,
    );
  });
});

describe("drawLabels", () => {
  // The width of the label background in the row `y`, walking right from `x` while the pixels are `color`.
  function runOf(pixels: Pixels, x: number, y: number, color: { r: number; g: number; b: number }): number {
    let end = x;
    while (end < pixels.width && JSON.stringify(pixel(pixels, end, y)) === JSON.stringify(color)) end++;
    return end - x;
  }

  it("draws a filled background in the palette colour above each box, with text in it", async () => {
    const drawn = await drawLabels(dogs, dogDetections());
    await save(drawn, "labels.png");
    expect([drawn.width, drawn.height]).toEqual([dogs.width, dogs.height]);
    const pixels = await decode(drawn);
    // TOP_LEFT: the background sits on the box's top-left corner, padding 10 around the text.
    expect(pixel(pixels, TALL_DOG.xMin + 2, TALL_DOG.yMin - 2)).toEqual(PURPLE);
    expect(pixel(pixels, TALL_DOG.xMin + 2, TALL_DOG.yMin - 30)).toEqual(PURPLE);
    expect(pixel(pixels, SMALL_DOG.xMin + 2, SMALL_DOG.yMin - 2)).toEqual(RED);
    // Text pixels: white-ish ink inside the background, between the paddings.
    let ink = 0;
    for (let y = TALL_DOG.yMin - 32; y < TALL_DOG.yMin - 10; y++) {
      for (let x = TALL_DOG.xMin + 10; x < TALL_DOG.xMin + 60; x++) {
        const { r, g, b } = pixel(pixels, x, y);
        if (r > 200 && g > 200 && b > 200) ink++;
      }
    }
    expect(ink).toBeGreaterThan(40);
    // Below the label, the box's inside is untouched.
    expect(pixel(pixels, 300, 200)).toEqual(pixel(dogsPixels, 300, 200));
  });

  it("sizes the background to the text, and writes markup characters literally", async () => {
    const short = await decode(await drawLabels(dogs, dogDetections()));
    const drawn = await drawLabels(dogs, {
      ...dogDetections(),
      items: [makeDetection({ ...TALL_DOG, confidence: 0.5, classId: 0, className: "<dog & cat>" })],
    });
    await save(drawn, "labels-escaped.png");
    const long = await decode(drawn);
    const y = TALL_DOG.yMin - 3;
    const shortWidth = runOf(short, TALL_DOG.xMin, y, PURPLE);
    const longWidth = runOf(long, TALL_DOG.xMin, y, PURPLE);
    expect(shortWidth).toBeGreaterThan(40);
    expect(longWidth).toBeGreaterThan(2.5 * shortWidth);
  });

  it("places labels by text_position, keeps them in the frame and honours text options", async () => {
    const drawn = await drawLabels(
      dogs,
      {
        ...dogDetections(),
        items: [
          ...dogDetections().items,
          makeDetection({
            xMin: 20,
            yMin: 0,
            xMax: 120,
            yMax: 60,
            confidence: 0.42,
            classId: 2,
            className: "bird",
          }),
        ],
      },
      {
        text: "Class and Confidence",
        textPosition: "BOTTOM_RIGHT",
        textColor: "BLACK",
        textScale: 0.6,
        textThickness: 2,
        textPadding: 6,
        borderRadius: 6,
        colorPalette: "ROBOFLOW",
      },
    );
    await save(drawn, "labels-options.png");
    const pixels = await decode(drawn);
    const roboflow = NAMED_PALETTES.ROBOFLOW.map((hex) => parseColor(hex, "test"));
    // BOTTOM_RIGHT: the background hangs below the box, right-aligned to its right edge.
    expect(pixel(pixels, TALL_DOG.xMax - 3, TALL_DOG.yMax + 3)).toEqual(roboflow[0]);
    expect(pixel(pixels, TALL_DOG.xMax + 3, TALL_DOG.yMax + 3)).toEqual(
      pixel(dogsPixels, TALL_DOG.xMax + 3, TALL_DOG.yMax + 3),
    );
    // The small dog's box ends 19 px above the bottom edge: its label is slid up to stay whole.
    expect(pixel(pixels, SMALL_DOG.xMax - 3, dogs.height - 3)).toEqual(roboflow[1]);
  });

  it("keeps a label whole when its box touches the top edge, and copes with huge or outlined text", async () => {
    const atTop = makeDetection({
      xMin: 40,
      yMin: 0,
      xMax: 200,
      yMax: 80,
      confidence: 1,
      classId: 0,
      className: "sky",
    });
    const detections = { ...dogDetections(), items: [atTop] };
    const pixels = await decode(await drawLabels(dogs, detections));
    // Above the box there is no room: the background slides down to the image's top row.
    expect(pixel(pixels, 42, 0)).toEqual(PURPLE);
    const huge = await drawLabels(
      dogs,
      { ...detections, items: [{ ...atTop, className: "a very long label ".repeat(30) }] },
      { textScale: 4, textThickness: 4 },
    );
    await save(huge, "labels-huge.png");
    expect([huge.width, huge.height]).toEqual([dogs.width, dogs.height]);
    expect(pixel(await decode(huge), 5, 5)).toEqual(PURPLE);
  });

  it("gives labels outside the user's classes (class id -1) one colour per name", async () => {
    const unknown = (className: string) =>
      makeDetection({ ...TALL_DOG, confidence: 1, classId: -1, className });
    const colorOf = async (className: string) =>
      pixel(
        await decode(await drawBoxes(dogs, { ...dogDetections(), items: [unknown(className)] })),
        300,
        TALL_DOG.yMin,
      );
    expect(await colorOf("cat")).toEqual(await colorOf("cat"));
    const palette = NAMED_PALETTES.DEFAULT.map((hex) => parseColor(hex, "test"));
    expect(palette).toContainEqual(await colorOf("cat"));
  });

  it("writes what the block writes for each text option", () => {
    const detection = makeDetection({ ...TALL_DOG, confidence: 0.876, classId: 0, className: "dog" });
    expect(labelText(detection, 3, "Class")).toBe("dog");
    expect(labelText(detection, 3, "Confidence")).toBe("0.88");
    expect(labelText(detection, 3, "Class and Confidence")).toBe("dog 0.88");
    expect(labelText(detection, 3, "Index")).toBe("3");
    expect(labelText(detection, 3, "Dimensions")).toBe("320, 228 190x313");
    expect(labelText(detection, 3, "Area")).toBe(String(190 * 313));
    expect(labelText(detection, 3, "Tracker Id")).toBe("No Tracker ID");
  });

  it("refuses unknown options, naming the property and the valid values", async () => {
    await expect(drawLabels(dogs, dogDetections(), { textColor: "mauve-ish" })).rejects.toThrow(/text_color/);
    await expect(drawLabels(dogs, dogDetections(), { textPosition: "MIDDLE" as never })).rejects.toThrow(
      /text_position.*TOP_LEFT/,
    );
    await expect(drawLabels(dogs, dogDetections(), { colorPalette: "CUSTOM" })).rejects.toThrow(
      /custom_colors/,
    );
  });
});

describe("parseColor", () => {
  it("reads the colour forms the blocks accept", () => {
    expect(parseColor("#fff", "c")).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseColor("#A351FB", "c")).toEqual({ r: 163, g: 81, b: 251 });
    expect(parseColor("rgb(1, 2, 3)", "c")).toEqual({ r: 1, g: 2, b: 3 });
    expect(parseColor("bgr(1, 2, 3)", "c")).toEqual({ r: 3, g: 2, b: 1 });
    expect(parseColor("white", "c")).toEqual({ r: 255, g: 255, b: 255 });
    expect(() => parseColor("rgb(300, 0, 0)", "c")).toThrow(InvalidArgumentError);
  });
});
