/**
 * What Roboflow's visualization blocks share (`VisualizationManifest`, `PredictionsVisualizationManifest`,
 * `ColorableVisualizationManifest`): the properties `image`, `predictions`, `copy_image` and the colour
 * properties, the single `image` output, their checks, and a run function that draws on each element.
 * A visualization block adds its own drawing properties and its drawing function.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../../errors.js";
import type { Detections } from "../../vision/detections.js";
import { BOX_DRAW_DEFAULTS, COLOR_PALETTES, type ColorOptions, parseColor } from "../../vision/draw.js";
import type { WorkflowImage } from "../../vision/image.js";
import type { Block, BlockContext, PropertySpec, ValidationProblem } from "../block.js";
import { runElements } from "../run-elements.js";
import { detectionsSchema, imageSchema } from "../value-schemas.js";

/** Property values every visualization step runs with. */
export interface VisualizationParams {
  image: WorkflowImage;
  predictions: Detections;
  copy_image: boolean;
  color_palette: string;
  palette_size: number;
  custom_colors: string[];
  color_axis: "INDEX" | "CLASS" | "TRACK";
}

/** The properties every visualization block has, with Roboflow's defaults. */
export const VISUALIZATION_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  image: {
    schema: imageSchema,
    selectorKinds: ["image"],
    batch: true,
    aliases: ["images"],
    description: "The image to draw on.",
  },
  predictions: {
    schema: detectionsSchema,
    selectorKinds: ["object_detection_prediction"],
    batch: true,
    description: "The detections to draw (e.g. $steps.parser.predictions).",
  },
  copy_image: {
    schema: z.boolean().default(true),
    selectorKinds: ["boolean"],
    description:
      "Draw on a copy of the input image rather than on the input itself. Images here are never changed in place, so the drawing is always on a copy and this has no effect.",
  },
  color_palette: {
    schema: z.string().default(BOX_DRAW_DEFAULTS.colorPalette),
    selectorKinds: ["string"],
    description: `Colours to draw with: ${COLOR_PALETTES.map((name) => `"${name}"`).join(", ")} (CUSTOM uses custom_colors).`,
  },
  palette_size: {
    schema: z.number().int().min(1).default(10),
    selectorKinds: ["integer"],
    description:
      "Number of colours taken from a Matplotlib palette; those palettes are not drawn here, so it has no effect.",
  },
  custom_colors: {
    schema: z.array(z.string()).default([]),
    selectorKinds: ["list_of_values"],
    description:
      'Colours used when color_palette is "CUSTOM": "#RRGGBB", "rgb(R, G, B)", "bgr(B, G, R)" or a name.',
  },
  color_axis: {
    schema: z.enum(["INDEX", "CLASS", "TRACK"]).default(BOX_DRAW_DEFAULTS.colorAxis),
    selectorKinds: ["string"],
    description:
      "How a detection's colour is chosen: by class id (CLASS), by position (INDEX), or by tracker id (TRACK, which needs a tracker).",
  },
};

/** The colour options of the drawing functions, from a step's values. */
export function colorOptions(params: VisualizationParams): ColorOptions {
  return {
    colorPalette: params.color_palette,
    customColors: params.custom_colors,
    colorAxis: params.color_axis,
  };
}

/** Checks of the colour properties that their schemas cannot make, each naming the property at fault. */
export function validateColors(
  values: Readonly<Record<string, unknown>>,
  unresolved: ReadonlySet<string>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const known = (property: string) => !unresolved.has(property) && values[property] !== undefined;
  const palette = values.color_palette;
  if (known("color_palette") && typeof palette === "string" && !COLOR_PALETTES.includes(palette)) {
    // Roboflow also offers Matplotlib palettes, sampled from matplotlib's colour maps, which we do not ship.
    const reason = palette.startsWith("Matplotlib ")
      ? "is a Matplotlib palette, which is not drawn here"
      : "is not a colour palette";
    problems.push({
      property: "color_palette",
      message: `${JSON.stringify(palette)} ${reason}`,
      validValues: COLOR_PALETTES,
    });
  }
  if (palette === "CUSTOM" && known("custom_colors")) {
    const colors = values.custom_colors as readonly string[];
    if (colors.length === 0) {
      problems.push({
        property: "custom_colors",
        message: 'is empty, but color_palette is "CUSTOM"; list at least one colour such as "#FF0000"',
      });
    }
    colors.forEach((color, position) => {
      const problem = colorProblem(color, `custom_colors[${position}]`);
      if (problem)
        problems.push({ property: "custom_colors", message: `entry ${position}: ${problem.message}` });
    });
  }
  if (known("color_axis") && values.color_axis === "TRACK") {
    problems.push({
      property: "color_axis",
      message: '"TRACK" colours by tracker id, and no block here tracks objects; use "CLASS" or "INDEX"',
      validValues: ["CLASS", "INDEX"],
    });
  }
  return problems;
}

/**
 * Why a colour string cannot be read, in the drawing functions' own words (the colour names it accepts
 * included); undefined when it can.
 */
export function colorProblem(color: string, property: string): ValidationProblem | undefined {
  try {
    parseColor(color, property);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return { property, message: error.message.slice(`${property}: `.length) };
  }
}

/** What a visualization block defines beyond the shared parts. */
export interface VisualizationDefinition<Params extends VisualizationParams> {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  /** The block's own drawing properties. */
  readonly properties: Readonly<Record<string, PropertySpec>>;
  /** Checks of its own properties (the colour properties are checked already). */
  readonly validate?: (
    values: Readonly<Record<string, unknown>>,
    unresolved: ReadonlySet<string>,
  ) => ValidationProblem[];
  /** Draws the detections on the image; returns the new image. */
  readonly draw: (image: WorkflowImage, detections: Detections, params: Params) => Promise<WorkflowImage>;
}

/** Builds a visualization block: shared properties, the `image` output, and a run that draws on each element. */
export function createVisualizationBlock<Params extends VisualizationParams>(
  definition: VisualizationDefinition<Params>,
): Block<Params> {
  return {
    manifest: {
      type: definition.type,
      title: definition.title,
      description: definition.description,
      properties: { ...VISUALIZATION_PROPERTIES, ...definition.properties },
      outputs: [{ name: "image", kinds: ["image"], description: "The image with the drawing, as a PNG." }],
      validate: (values, unresolved) => [
        ...validateColors(values, unresolved),
        ...(definition.validate?.(values, unresolved) ?? []),
      ],
    },
    run: (batch, context) =>
      runElements(batch, context, async (params, index) => {
        warnOnSizeMismatch(definition.type, index, params, context);
        return { image: await definition.draw(params.image, params.predictions, params) };
      }),
  };
}

// Boxes are in pixels of the image they were found on; drawn on another size they land in the wrong place.
function warnOnSizeMismatch(
  type: string,
  index: number,
  params: VisualizationParams,
  context: BlockContext,
): void {
  const seen = params.predictions.image;
  const { width, height } = params.image;
  if (seen.width === width && seen.height === height) return;
  context.warn?.(
    `${type}, element ${index}: the predictions were made on a ${seen.width}×${seen.height} image but the image is ${width}×${height}; boxes are drawn as they are`,
  );
}
