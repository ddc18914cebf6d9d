/**
 * Colours for the visualization blocks: the named palettes and colour strings that Roboflow's
 * visualization blocks accept, and the rule that picks a detection's colour (by class, by index).
 */
import { InvalidArgumentError } from "../errors.js";
import type { Detection } from "./detections.js";

/** An sRGB colour, each channel 0–255. */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/**
 * Palettes by the names the blocks' `color_palette` property takes. Hex values and their order are those of
 * supervision's `DEFAULT_COLOR_PALETTE`, `ROBOFLOW_COLOR_PALETTE` and `LEGACY_COLOR_PALETTE`
 * (roboflow/supervision, supervision/draw/color.py), which the inference server's blocks draw with.
 */
export const NAMED_PALETTES = {
  DEFAULT: [
    "#A351FB",
    "#FF4040",
    "#FFA1A0",
    "#FF7633",
    "#FFB633",
    "#D1D435",
    "#4CFB12",
    "#94CF1A",
    "#40DE8A",
    "#1B9640",
    "#00D6C1",
    "#2E9CAA",
    "#00C4FF",
    "#364797",
    "#6675FF",
    "#0019EF",
    "#863AFF",
    "#530087",
    "#CD3AFF",
    "#FF97CA",
    "#FF39C9",
  ],
  ROBOFLOW: ["#C28DFC", "#A351FB", "#8315F9", "#6706CE", "#5905B3", "#4D049A"],
  LEGACY: [
    "#A351FB",
    "#E6194B",
    "#3CB44B",
    "#FFE119",
    "#0082C8",
    "#F58231",
    "#911EB4",
    "#46F0F0",
    "#F032E6",
    "#D2F53C",
    "#FABEBE",
    "#008080",
    "#E6BEFF",
    "#AA6E28",
    "#FFFAC8",
    "#800000",
    "#AAFFC3",
  ],
} as const satisfies Record<string, readonly string[]>;

/** Values of `color_palette` that we draw with: the named palettes, and CUSTOM for `custom_colors`. */
export const COLOR_PALETTES = [...(Object.keys(NAMED_PALETTES) as (keyof typeof NAMED_PALETTES)[]), "CUSTOM"];

/** How a detection's colour is chosen (`color_axis`): by class id, by position in the list, or by tracker id. */
export type ColorAxis = "CLASS" | "INDEX" | "TRACK";

/** Valid `color_axis` values, in the blocks' order. */
export const COLOR_AXES: readonly ColorAxis[] = ["INDEX", "CLASS", "TRACK"];

/** Colour options shared by every visualization, named after the blocks' properties (camelCase). */
export interface ColorOptions {
  /** `color_palette`: "DEFAULT" (default), "ROBOFLOW", "LEGACY", or "CUSTOM" to use `customColors`. */
  readonly colorPalette?: string;
  /** `custom_colors`: colour strings used when `colorPalette` is "CUSTOM". Default none. */
  readonly customColors?: readonly string[];
  /** `color_axis`: "CLASS" (default) or "INDEX". "TRACK" needs tracker ids, which detections here lack. */
  readonly colorAxis?: ColorAxis;
}

// Colour names the blocks accept: supervision's `Color` constants (supervision/draw/color.py).
const NAMED_COLORS: Readonly<Record<string, string>> = {
  WHITE: "#FFFFFF",
  BLACK: "#000000",
  GREY: "#808080",
  RED: "#FF0000",
  GREEN: "#00FF00",
  BLUE: "#0000FF",
  YELLOW: "#FFFF00",
  ROBOFLOW: "#A351FB",
};

/**
 * Parses a colour the way the blocks do (inference's `str_to_color`): `#RRGGBB` or `#RGB`, `rgb(R, G, B)`,
 * `bgr(B, G, R)`, or a name (WHITE, BLACK, GREY, RED, GREEN, BLUE, YELLOW, ROBOFLOW; any case).
 */
export function parseColor(text: string, property: string): Rgb {
  const value = text.trim();
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value)?.[1];
  // The blocks want the "#"; we also take bare hex digits, which no colour name can be mistaken for.
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join("") : hex;
    return {
      r: Number.parseInt(full.slice(0, 2), 16),
      g: Number.parseInt(full.slice(2, 4), 16),
      b: Number.parseInt(full.slice(4, 6), 16),
    };
  }
  const triple = /^(rgb|bgr)\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/i.exec(value);
  if (triple) {
    const [first, second, third] = [triple[2], triple[3], triple[4]].map(Number) as [number, number, number];
    if (Math.max(first, second, third) <= 255) {
      return triple[1]?.toLowerCase() === "rgb"
        ? { r: first, g: second, b: third }
        : { r: third, g: second, b: first };
    }
  }
  const named = NAMED_COLORS[value.toUpperCase()];
  if (named) return parseColor(named, property);
  throw new InvalidArgumentError(
    property,
    `${JSON.stringify(text)} is not a colour; write #RRGGBB, rgb(R, G, B), bgr(B, G, R) or a colour name`,
    Object.keys(NAMED_COLORS),
  );
}

/** The colour as `#rrggbb`, for SVG. */
export function toHex(color: Rgb): string {
  return `#${[color.r, color.g, color.b].map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;
}

/** The palette that `colorPalette` (and `customColors` for CUSTOM) names. Throws naming the valid choices. */
export function resolvePalette(options: ColorOptions): readonly Rgb[] {
  const name = options.colorPalette ?? "DEFAULT";
  if (name === "CUSTOM") {
    const colors = options.customColors ?? [];
    if (colors.length === 0) {
      throw new InvalidArgumentError(
        "custom_colors",
        'is empty, but color_palette is "CUSTOM"; list at least one colour such as "#FF0000"',
      );
    }
    return colors.map((color, index) => parseColor(color, `custom_colors[${index}]`));
  }
  const hexes = (NAMED_PALETTES as Record<string, readonly string[] | undefined>)[name];
  if (!hexes) {
    // Matplotlib palettes ("Matplotlib Viridis", …) are sampled from matplotlib's colour maps, which we do not ship.
    throw new InvalidArgumentError(
      "color_palette",
      `${JSON.stringify(name)} is not supported`,
      COLOR_PALETTES,
    );
  }
  return hexes.map((hex) => parseColor(hex, "color_palette"));
}

/** Checks `colorAxis` before drawing: TRACK needs tracker ids, which our detections do not carry. */
export function checkColorAxis(axis: string): Exclude<ColorAxis, "TRACK"> {
  if (axis === "CLASS" || axis === "INDEX") return axis;
  if (axis === "TRACK") {
    throw new InvalidArgumentError(
      "color_axis",
      '"TRACK" colours by tracker id, and these detections have none (no tracker ran); use "CLASS" or "INDEX"',
      ["CLASS", "INDEX"],
    );
  }
  throw new InvalidArgumentError("color_axis", `${JSON.stringify(axis)} is not a colour axis`, COLOR_AXES);
}

/**
 * The palette colour of the detection at `index`. Indexes wrap around the palette, as supervision's
 * `ColorPalette.by_idx` does. A label outside the user's classes has class id -1, which supervision refuses;
 * we colour it by a hash of its name so each such label keeps one colour.
 */
export function colorFor(
  palette: readonly Rgb[],
  detection: Detection,
  index: number,
  axis: Exclude<ColorAxis, "TRACK">,
): Rgb {
  const position =
    axis === "INDEX" ? index : detection.classId >= 0 ? detection.classId : hashName(detection.className);
  const color = palette[position % palette.length];
  if (!color) throw new InvalidArgumentError("color_palette", "has no colours");
  return color;
}

// FNV-1a: a short, stable, non-negative hash; no cryptographic property is needed.
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
