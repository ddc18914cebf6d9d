/**
 * Object detections as the blocks pass them around, and their serialization in the Roboflow inference
 * server's JSON shape (centre-based pixel boxes), which its clients read unchanged.
 */
import { randomUUID } from "node:crypto";
import type { ImageOrigin } from "./image.js";

/** One detected object, corners in pixels of the image it was detected on. */
export interface Detection {
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
  readonly confidence: number;
  /** Index of `className` in the classes the user gave; -1 for a label that is not among them. */
  readonly classId: number;
  readonly className: string;
  readonly detectionId: string;
}

/** The detections of one image. */
export interface Detections {
  readonly image: { readonly width: number; readonly height: number };
  /** Id of the image the boxes refer to (`parent_id` in the serialized form). */
  readonly parentId: string;
  readonly items: readonly Detection[];
  /** When the image was a crop: where it sits in the original image (for parent coordinates). */
  readonly origin?: ImageOrigin;
}

/** One prediction in the inference server's object-detection response. */
export interface SerializedDetection {
  x: number;
  y: number;
  width: number;
  height: number;
  confidence: number;
  class: string;
  class_id: number;
  detection_id: string;
  parent_id: string;
}

/** The inference server's object-detection response: `{"image": {...}, "predictions": [...]}`. */
export interface SerializedDetections {
  image: { width: number; height: number };
  predictions: SerializedDetection[];
}

/** True for a {@link Detections} value, the object-detection predictions blocks pass along. */
export function isDetections(value: unknown): value is Detections {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Detections>;
  return (
    Array.isArray(candidate.items) &&
    typeof candidate.parentId === "string" &&
    typeof candidate.image === "object" &&
    candidate.image !== null &&
    typeof candidate.image.width === "number" &&
    typeof candidate.image.height === "number"
  );
}

/** Builds a detection with a fresh id. */
export function makeDetection(fields: Omit<Detection, "detectionId"> & { detectionId?: string }): Detection {
  return { ...fields, detectionId: fields.detectionId ?? randomUUID() };
}

/**
 * Detections made on a crop, moved into the coordinates of the original image: boxes shifted by the crop's
 * position, the original's size and id. What Roboflow's `coordinates_system: "parent"` outputs (its default).
 */
export function toRootCoordinates(detections: Detections): Detections {
  const origin = detections.origin;
  if (!origin) return detections;
  return {
    image: { width: origin.parentWidth, height: origin.parentHeight },
    parentId: origin.parentId,
    items: detections.items.map((item) => ({
      ...item,
      xMin: item.xMin + origin.x,
      yMin: item.yMin + origin.y,
      xMax: item.xMax + origin.x,
      yMax: item.yMax + origin.y,
    })),
  };
}

/** Converts to the inference server's JSON: centre x/y, width/height in pixels. */
export function serializeDetections(detections: Detections): SerializedDetections {
  return {
    image: { width: detections.image.width, height: detections.image.height },
    predictions: detections.items.map((d) => ({
      x: (d.xMin + d.xMax) / 2,
      y: (d.yMin + d.yMax) / 2,
      width: d.xMax - d.xMin,
      height: d.yMax - d.yMin,
      confidence: d.confidence,
      class: d.className,
      class_id: d.classId,
      detection_id: d.detectionId,
      parent_id: detections.parentId,
    })),
  };
}
