/**
 * `background_color` of `roboflow_core/dynamic_crop@v1`, in the forms Roboflow's block reads
 * (`convert_color_to_bgr_tuple`): "#RRGGBB", "#RGB", "(R, G, B)", or a list [R, G, B].
 */

/** An RGB colour, each channel 0-255. */
export type RgbTriple = readonly [number, number, number];

/** The colour, or a sentence saying what is wrong with it. */
export function parseBackgroundColor(value: string | readonly number[]): RgbTriple | string {
  if (typeof value !== "string") return checkTriple(value, JSON.stringify(value));
  const hex = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(value)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join("") : hex;
    return [0, 2, 4].map((start) =>
      Number.parseInt(full.slice(start, start + 2), 16),
    ) as unknown as RgbTriple;
  }
  if (value.startsWith("(") && value.endsWith(")")) {
    const parts = value
      .slice(1, -1)
      .split(",")
      .map((part) => part.trim());
    if (parts.every((part) => /^[+-]?\d+$/.test(part))) return checkTriple(parts.map(Number), value);
  }
  return `${JSON.stringify(value)} is not a colour; write "#RRGGBB", "#RGB", "(R, G, B)" or [R, G, B]`;
}

function checkTriple(channels: readonly number[], given: string): RgbTriple | string {
  if (
    channels.length === 3 &&
    channels.every((channel) => Number.isInteger(channel) && channel >= 0 && channel <= 255)
  ) {
    return channels as unknown as RgbTriple;
  }
  return `${given} is not a colour; give three whole numbers from 0 to 255 (R, G, B)`;
}
