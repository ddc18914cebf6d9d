/** The dynamic_crop block on a real photo: crop sizes and origins, ids, clipping, nesting, isolation, checks. */
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { manifestJsonSchema } from "../../../src/blocks/describe.js";
import { checkProperties } from "../../../src/blocks/properties.js";
import { cropBox } from "../../../src/blocks/transformations/dynamic-crop/crop-detections.js";
import { dynamicCropV1 } from "../../../src/blocks/transformations/dynamic-crop/v1.js";
import {
  type Detection,
  type Detections,
  makeDetection,
  toRootCoordinates,
} from "../../../src/vision/detections.js";
import { loadImage, type WorkflowImage } from "../../../src/vision/image.js";
import { corruptImage, recordingContext } from "../block-test-support.js";

const DOGS = fileURLToPath(new URL("../../../../shared/images/dogs.jpg", import.meta.url));
// Boxes drawn by hand around the two dogs of dogs.jpg (640×427).
const TALL_DOG = { xMin: 225, yMin: 72, xMax: 415, yMax: 385 };
const SMALL_DOG = { xMin: 318, yMin: 222, xMax: 582, yMax: 408 };

let dogs: WorkflowImage;
beforeAll(async () => {
  dogs = await loadImage(DOGS);
});

function detectionsOn(image: WorkflowImage, boxes: Array<Partial<Detection>>): Detections {
  return {
    image: { width: image.width, height: image.height },
    parentId: image.id,
    items: boxes.map((box) =>
      makeDetection({
        xMin: 0,
        yMin: 0,
        xMax: 1,
        yMax: 1,
        confidence: 0.9,
        classId: 0,
        className: "dog",
        ...box,
      }),
    ),
  };
}

const params = (images: WorkflowImage, predictions: Detections) => ({
  images,
  predictions,
  mask_opacity: 0,
  background_color: "#000000",
});

type CropLists = { crops: Array<WorkflowImage | null>; predictions: Array<Detections | null> };

async function pixel(image: WorkflowImage, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image.bytes)
    .rotate()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

describe("dynamic_crop@v1", () => {
  it("cuts one crop per detection, sized like its box, knowing its origin, named after its detection", async () => {
    const predictions = detectionsOn(dogs, [TALL_DOG, SMALL_DOG]);
    const [result] = await dynamicCropV1.run([params(dogs, predictions)], recordingContext());
    const { crops, predictions: moved } = result as CropLists;
    expect(crops).toHaveLength(2);
    const [tall, small] = crops as WorkflowImage[];
    expect([tall?.width, tall?.height]).toEqual([190, 313]);
    expect([small?.width, small?.height]).toEqual([264, 186]);
    expect(tall?.origin).toEqual({ parentId: dogs.id, x: 225, y: 72, parentWidth: 640, parentHeight: 427 });
    expect(small?.origin).toEqual({ parentId: dogs.id, x: 318, y: 222, parentWidth: 640, parentHeight: 427 });
    // Roboflow's crop takes its detection's id, so predictions made on the crop name that detection as parent.
    expect(tall?.id).toBe(predictions.items[0]?.detectionId);
    expect(await pixel(tall as WorkflowImage, 10, 20)).toEqual(await pixel(dogs, 235, 92));
    expect(moved[1]).toEqual({
      image: { width: 264, height: 186 },
      parentId: small?.id,
      items: [{ ...predictions.items[1], xMin: 0, yMin: 0, xMax: 264, yMax: 186 }],
      origin: small?.origin,
    });
    // In the photo's coordinates (coordinates_system "parent"), the moved detection is where it was found.
    const back = toRootCoordinates(moved[1] as Detections);
    expect(back.items[0]).toMatchObject({ xMin: 318, yMin: 222, xMax: 582, yMax: 408 });
    expect([back.image, back.parentId]).toEqual([{ width: 640, height: 427 }, dogs.id]);
  });

  it("crops a crop, adding up the origin, with the photo's own id as the root", async () => {
    const [outer] = await dynamicCropV1.run(
      [params(dogs, detectionsOn(dogs, [SMALL_DOG]))],
      recordingContext(),
    );
    const crop = (outer as CropLists).crops[0] as WorkflowImage;
    const [inner] = await dynamicCropV1.run(
      [params(crop, detectionsOn(crop, [{ xMin: 10, yMin: 20, xMax: 110, yMax: 70 }]))],
      recordingContext(),
    );
    const nested = (inner as CropLists).crops[0];
    expect([nested?.width, nested?.height]).toEqual([100, 50]);
    expect(nested?.origin).toEqual({
      parentId: dogs.id,
      x: 328,
      y: 242,
      parentWidth: 640,
      parentHeight: 427,
    });
  });

  it("clips boxes to the image, rounds half to even like NumPy, and keeps null for a box with no pixels", async () => {
    const predictions = detectionsOn(dogs, [
      { xMin: -40, yMin: 400, xMax: 30.5, yMax: 500 },
      { xMin: 700, yMin: 10, xMax: 800, yMax: 50 },
      { xMin: 10.5, yMin: 11.5, xMax: 20.5, yMax: 21.5 },
    ]);
    const [result] = await dynamicCropV1.run([params(dogs, predictions)], recordingContext());
    const { crops, predictions: moved } = result as CropLists;
    expect([crops[0]?.width, crops[0]?.height, crops[0]?.origin?.x, crops[0]?.origin?.y]).toEqual([
      30, 27, 0, 400,
    ]);
    expect(crops[1]).toBeNull();
    expect(moved[1]).toBeNull();
    expect(cropBox(predictions.items[2] as Detection, dogs)).toEqual({
      xMin: 10,
      yMin: 12,
      xMax: 20,
      yMax: 22,
    });
  });

  it("gives an image without detections an empty list", async () => {
    const [result] = await dynamicCropV1.run([params(dogs, detectionsOn(dogs, []))], recordingContext());
    expect(result).toEqual({ crops: [], predictions: [] });
  });

  it("fails only the element whose image cannot be decoded, and warns when boxes come from another size", async () => {
    const broken = corruptImage(640, 427);
    const context = recordingContext();
    const other = { ...detectionsOn(dogs, [TALL_DOG]), image: { width: 1280, height: 854 } };
    const results = await dynamicCropV1.run(
      [
        params(dogs, detectionsOn(dogs, [TALL_DOG])),
        params(broken, detectionsOn(broken, [TALL_DOG])),
        params(dogs, other),
      ],
      context,
    );
    expect((results[0] as CropLists).crops).toHaveLength(1);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toContain("corrupt.jpg");
    expect((results[2] as CropLists).crops).toHaveLength(1);
    expect(context.warnings).toEqual([
      expect.stringMatching(/element 2: the predictions were made on a 1280×854 image/),
    ]);
  });

  it("declares Roboflow's properties, aliases and outputs, a list per image", () => {
    const { manifest } = dynamicCropV1;
    expect(Object.keys(manifest.properties)).toEqual([
      "images",
      "predictions",
      "mask_opacity",
      "background_color",
    ]);
    expect(manifest.properties.images?.aliases).toEqual(["image"]);
    expect(manifest.properties.predictions?.aliases).toEqual(["detections"]);
    expect(manifest.outputDimensionalityOffset).toBe(1);
    expect(manifest.outputs.map((output) => [output.name, output.kinds])).toEqual([
      ["crops", ["image"]],
      ["predictions", ["object_detection_prediction"]],
    ]);
    expect(manifestJsonSchema(manifest)["x-output-dimensionality-offset"]).toBe(1);
  });

  it("fills Roboflow's defaults and checks mask_opacity and background_color", () => {
    const unresolved = new Set(["images", "predictions"]);
    const check = (raw: Record<string, unknown>) => checkProperties(dynamicCropV1.manifest, raw, unresolved);
    expect(check({}).values).toEqual({ mask_opacity: 0, background_color: [0, 0, 0] });
    for (const color of ["#431112", "#fff", "(128, 32, 64)", [18, 17, 67]]) {
      expect(check({ background_color: color }).problems).toEqual([]);
    }
    expect(check({ background_color: "teal" }).problems).toEqual([
      {
        property: "background_color",
        message: '"teal" is not a colour; write "#RRGGBB", "#RGB", "(R, G, B)" or [R, G, B]',
      },
    ]);
    expect(check({ background_color: "(1, 2, 300)" }).problems[0]?.message).toContain("0 to 255");
    expect(check({ mask_opacity: 1.5 }).problems).toEqual([
      { property: "mask_opacity", message: "must be ≤ 1, got 1.5" },
    ]);
  });

  it("takes the alias names Roboflow takes", () => {
    const { problems } = checkProperties(dynamicCropV1.manifest, {
      image: dogs,
      detections: detectionsOn(dogs, []),
    });
    expect(problems).toEqual([]);
  });
});
