/** The bounding box and label visualization blocks on a real photo: output size, drawn pixels, isolation, checks. */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { Block } from "../../../src/blocks/block.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import { boundingBoxVisualizationV1 } from "../../../src/blocks/visualizations/bounding-box/v1.js";
import type { VisualizationParams } from "../../../src/blocks/visualizations/common.js";
import { labelVisualizationV1 } from "../../../src/blocks/visualizations/label/v1.js";
import { type Detections, makeDetection } from "../../../src/vision/detections.js";
import { NAMED_PALETTES, parseColor } from "../../../src/vision/draw.js";
import { loadImage, type WorkflowImage } from "../../../src/vision/image.js";
import { corruptImage, recordingContext } from "../block-test-support.js";

const DOGS = fileURLToPath(new URL("../../../../shared/images/dogs.jpg", import.meta.url));
// Renders land here so a person can look at them after a run.
const RENDER_FOLDER = join(tmpdir(), "qwen-vlm-visualization-blocks");
const TALL_DOG = { xMin: 225, yMin: 72, xMax: 415, yMax: 385 };
const SMALL_DOG = { xMin: 318, yMin: 222, xMax: 582, yMax: 408 };
const PURPLE = parseColor(NAMED_PALETTES.DEFAULT[0], "test"); // class 0
const RED = parseColor(NAMED_PALETTES.DEFAULT[1], "test"); // class 1

let dogs: WorkflowImage;
let detections: Detections;
beforeAll(async () => {
  dogs = await loadImage(DOGS);
  detections = {
    image: { width: dogs.width, height: dogs.height },
    parentId: dogs.id,
    items: [
      makeDetection({ ...TALL_DOG, confidence: 0.91, classId: 0, className: "dog" }),
      makeDetection({ ...SMALL_DOG, confidence: 0.87, classId: 1, className: "terrier" }),
    ],
  };
  await mkdir(RENDER_FOLDER, { recursive: true });
});

/** A step's values after the manifest: its defaults, and the image and detections bound. */
function stepValues<Params>(block: Block<Params>, raw: Record<string, unknown> = {}): Params {
  const { values, problems } = checkProperties(block.manifest, {
    image: dogs,
    predictions: detections,
    ...raw,
  });
  expect(problems).toEqual([]);
  return values as Params;
}

async function pixels(image: WorkflowImage) {
  const { data, info } = await sharp(image.bytes)
    .rotate()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x: number, y: number) => {
      const offset = (y * info.width + x) * info.channels;
      return { r: data[offset], g: data[offset + 1], b: data[offset + 2] };
    },
  };
}

async function drawOne<Params>(block: Block<Params>, name: string, raw?: Record<string, unknown>) {
  const [result] = await block.run([stepValues(block, raw)], recordingContext());
  const image = (result as { image: WorkflowImage }).image;
  await writeFile(join(RENDER_FOLDER, `${name}.png`), image.bytes);
  return image;
}

describe("bounding_box_visualization@v1", () => {
  it("draws each box in its class colour on an image of the same size, leaving the input as it was", async () => {
    const before = Buffer.from(dogs.bytes);
    const drawn = await drawOne(boundingBoxVisualizationV1, "bounding-box");
    const after = await pixels(drawn);
    expect([after.width, after.height, drawn.format]).toEqual([640, 427, "png"]);
    // The left edge of each outline (2 px, centred on the corner) takes the palette colour of the class.
    expect(after.at(225, 200)).toEqual(PURPLE);
    expect(after.at(318, 300)).toEqual(RED);
    const original = await pixels(dogs);
    expect(after.at(100, 50)).toEqual(original.at(100, 50));
    expect(dogs.bytes.equals(before)).toBe(true);
  });

  it("takes Roboflow's defaults and drawing properties", () => {
    const values = stepValues(boundingBoxVisualizationV1);
    expect(values).toMatchObject({
      copy_image: true,
      color_palette: "DEFAULT",
      palette_size: 10,
      custom_colors: [],
      color_axis: "CLASS",
      thickness: 2,
      roundness: 0,
    });
    expect(Object.keys(boundingBoxVisualizationV1.manifest.properties)).toEqual([
      "image",
      "predictions",
      "copy_image",
      "color_palette",
      "palette_size",
      "custom_colors",
      "color_axis",
      "thickness",
      "roundness",
    ]);
    expect(boundingBoxVisualizationV1.manifest.outputs.map((output) => [output.name, output.kinds])).toEqual([
      ["image", ["image"]],
    ]);
  });
});

describe("label_visualization@v1", () => {
  it("writes a label on a background in the class colour above each box", async () => {
    const drawn = await drawOne(labelVisualizationV1, "label", { text: "Class and Confidence" });
    const after = await pixels(drawn);
    expect([after.width, after.height]).toEqual([640, 427]);
    // TOP_LEFT: the background sits right above the box's top-left corner; its padding is plain colour.
    expect(after.at(228, 69)).toEqual(PURPLE);
    expect(after.at(321, 219)).toEqual(RED);
  });

  it("takes Roboflow's defaults", () => {
    expect(stepValues(labelVisualizationV1)).toMatchObject({
      text: "Class",
      text_position: "TOP_LEFT",
      text_color: "WHITE",
      text_scale: 1,
      text_thickness: 1,
      text_padding: 10,
      border_radius: 0,
    });
  });

  it("says what is wrong with a text colour or a label text", () => {
    const unresolved = new Set(["image", "predictions"]);
    const check = (raw: Record<string, unknown>) =>
      checkProperties(labelVisualizationV1.manifest, raw, unresolved).problems;
    expect(check({ text_color: "mauve" })).toEqual([
      {
        property: "text_color",
        message: expect.stringContaining('"mauve" is not a colour'),
      },
    ]);
    expect(check({ text: "Label" })[0]).toMatchObject({
      property: "text",
      message: '"Label" is not one of the allowed values',
    });
    expect(check({ text_scale: 0 })[0]).toMatchObject({
      property: "text_scale",
      message: "must be > 0, got 0",
    });
  });
});

describe.each([
  ["bounding_box_visualization@v1", boundingBoxVisualizationV1 as Block<VisualizationParams>],
  ["label_visualization@v1", labelVisualizationV1 as Block<VisualizationParams>],
])("%s, shared parts", (_name, block) => {
  const unresolved = new Set(["image", "predictions"]);
  const check = (raw: Record<string, unknown>) => checkProperties(block.manifest, raw, unresolved).problems;

  it("fails only the element whose image cannot be decoded", async () => {
    const good = stepValues(block);
    const broken = { ...good, image: corruptImage(640, 427) };
    const results = await block.run([good, broken, good], recordingContext());
    expect((results[0] as { image: WorkflowImage }).image.width).toBe(640);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[2] as { image: WorkflowImage }).image.height).toBe(427);
  });

  it("refuses palettes it does not draw, empty or unreadable custom colours, and tracker colours", () => {
    expect(check({ color_palette: "Matplotlib Viridis" })).toEqual([
      {
        property: "color_palette",
        message: '"Matplotlib Viridis" is a Matplotlib palette, which is not drawn here',
        validValues: ["DEFAULT", "ROBOFLOW", "LEGACY", "CUSTOM"],
      },
    ]);
    expect(check({ color_palette: "CUSTOM" })[0]).toMatchObject({
      property: "custom_colors",
      message: expect.stringContaining("is empty"),
    });
    expect(check({ color_palette: "CUSTOM", custom_colors: ["#FF0000", "nope"] })).toEqual([
      {
        property: "custom_colors",
        message: expect.stringMatching(/^entry 1: "nope" is not a colour.*Valid values: .*"WHITE"/),
      },
    ]);
    expect(check({ color_axis: "TRACK" })[0]).toMatchObject({
      property: "color_axis",
      validValues: ["CLASS", "INDEX"],
    });
    expect(check({ color_palette: "CUSTOM", custom_colors: ["#FF0000", "rgb(0, 255, 0)"] })).toEqual([]);
  });

  it("takes images as an alias of image, and refuses predictions that are not detections", () => {
    expect(checkProperties(block.manifest, { images: dogs, predictions: detections }).problems).toEqual([]);
    const [problem] = checkProperties(block.manifest, { image: dogs, predictions: null }).problems;
    expect(problem?.property).toBe("predictions");
    expect(problem?.message).toContain("error_status");
  });
});
