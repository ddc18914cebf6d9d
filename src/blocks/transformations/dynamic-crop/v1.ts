/**
 * `roboflow_core/dynamic_crop@v1`: cuts each image into one crop per detection (a list of images per input
 * image, so steps bound to `crops` run once per crop), with each detection moved into its crop's coordinates.
 * First version. `mask_opacity` and `background_color` are accepted and checked, but only act on segmentation
 * masks, which no block here produces.
 */
import { z } from "zod";
import type { Detections } from "../../../vision/detections.js";
import type { WorkflowImage } from "../../../vision/image.js";
import type { Block, ValidationProblem } from "../../block.js";
import { runElements } from "../../run-elements.js";
import { detectionsSchema, imageSchema } from "../../value-schemas.js";
import { parseBackgroundColor } from "./background-color.js";
import { cropDetections } from "./crop-detections.js";

const TYPE = "roboflow_core/dynamic_crop@v1";

/** The property values a crop step runs with. */
export interface DynamicCropParams {
  images: WorkflowImage;
  predictions: Detections;
  mask_opacity: number;
  background_color: string | [number, number, number];
}

/** The dynamic crop block, version 1. */
export const dynamicCropV1: Block<DynamicCropParams> = {
  manifest: {
    type: TYPE,
    title: "Dynamic Crop",
    description:
      "Cuts a crop out of the image for every detection (e.g. to read or classify each object on its own). " +
      "Each crop knows where it sits in the original image.",
    properties: {
      images: {
        schema: imageSchema,
        selectorKinds: ["image"],
        batch: true,
        aliases: ["image"],
        description: "The image to cut crops from; crops of crops work too.",
      },
      predictions: {
        schema: detectionsSchema,
        selectorKinds: ["object_detection_prediction"],
        batch: true,
        aliases: ["detections"],
        description:
          "Detections on that image (e.g. $steps.parser.predictions): one crop per box, in their order.",
      },
      mask_opacity: {
        schema: z.number().min(0).max(1).default(0),
        selectorKinds: ["float_zero_to_one"],
        description:
          "For segmentation masks: how strongly pixels outside the mask are replaced by background_color (0 keeps the crop as it is). Detections here are boxes without masks, so it has no effect.",
      },
      background_color: {
        schema: z.union([z.string(), z.tuple([z.number(), z.number(), z.number()])]).default([0, 0, 0]),
        selectorKinds: ["string"],
        description:
          'Colour that replaces pixels outside a segmentation mask: "#RRGGBB", "#RGB", "(R, G, B)" or [R, G, B]. No effect on box-only detections.',
      },
    },
    outputs: [
      {
        name: "crops",
        kinds: ["image"],
        description: "One image per detection; null for a box with no pixels.",
      },
      {
        name: "predictions",
        kinds: ["object_detection_prediction"],
        description: "That crop's detection, in the crop's coordinates.",
      },
    ],
    outputDimensionalityOffset: 1,
    validate: validateDynamicCrop,
  },
  run: (batch, context) =>
    runElements(batch, context, async (params, index) => {
      const { images: image, predictions } = params;
      const seen = predictions.image;
      if (seen.width !== image.width || seen.height !== image.height) {
        context.warn?.(
          `${TYPE}, element ${index}: the predictions were made on a ${seen.width}×${seen.height} image but the image is ${image.width}×${image.height}; boxes are cut as they are`,
        );
      }
      const crops = await cropDetections(image, predictions);
      // A list per output, one entry per detection: the engine makes each entry an element of the next level.
      return {
        crops: crops.map((entry) => entry?.crop ?? null),
        predictions: crops.map((entry) => entry?.predictions ?? null),
      };
    }),
};

function validateDynamicCrop(
  values: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string>,
): ValidationProblem[] {
  const color = values.background_color;
  if (unresolved.has("background_color") || color === undefined) return [];
  const parsed = parseBackgroundColor(color as string | number[]);
  return typeof parsed === "string" ? [{ property: "background_color", message: parsed }] : [];
}
