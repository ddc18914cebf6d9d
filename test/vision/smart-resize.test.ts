import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  DEFAULT_PIXEL_BUDGET,
  QWEN_FAMILY_FACTORS,
  roundHalfEven,
  smartResize,
} from "../../src/vision/smart-resize.js";

const qwen25 = { factor: QWEN_FAMILY_FACTORS.qwen2_5_vl, ...DEFAULT_PIXEL_BUDGET };
const qwen3 = { factor: QWEN_FAMILY_FACTORS.qwen3_vl, ...DEFAULT_PIXEL_BUDGET };

describe("smartResize", () => {
  it("exports the family factors and our CPU budget", () => {
    expect(QWEN_FAMILY_FACTORS).toEqual({ qwen2_5_vl: 28, qwen3_vl: 32, qwen3_5: 32 });
    expect(DEFAULT_PIXEL_BUDGET).toEqual({ minPixels: 3136, maxPixels: 512 * 28 * 28 });
  });

  // Expected values computed with transformers' Python smart_resize (image_processing_qwen2_vl.py).
  it.each([
    { height: 480, width: 640, options: qwen25, expected: { height: 476, width: 644 } },
    { height: 1080, width: 1920, options: qwen25, expected: { height: 448, width: 840 } },
    { height: 1080, width: 1920, options: qwen3, expected: { height: 448, width: 832 } },
    { height: 4000, width: 3000, options: qwen25, expected: { height: 728, width: 532 } },
    { height: 2048, width: 4096, options: qwen25, expected: { height: 448, width: 896 } },
    { height: 192, width: 168, options: qwen25, expected: { height: 196, width: 168 } },
    { height: 20, width: 20, options: qwen25, expected: { height: 56, width: 56 } },
    { height: 10, width: 500, options: qwen25, expected: { height: 28, width: 420 } },
    {
      height: 100,
      width: 100,
      options: { factor: 32, minPixels: 65536, maxPixels: 16777216 },
      expected: { height: 256, width: 256 },
    },
  ])(
    "$height×$width at factor $options.factor → $expected.height×$expected.width",
    ({ height, width, options, expected }) => {
      expect(smartResize(height, width, options)).toEqual(expected);
    },
  );

  it("matches the published Qwen2.5-VL example 1920×1080 → 1932×1092 under the hub budget", () => {
    // Qwen2.5-VL's hub processor allows up to 16384·28·28 pixels; a 1080p frame only snaps to the grid.
    expect(smartResize(1080, 1920, { factor: 28, minPixels: 3136, maxPixels: 16384 * 28 * 28 })).toEqual({
      height: 1092,
      width: 1932,
    });
  });

  it("keeps results multiples of the factor and inside the budget", () => {
    for (const [height, width] of [
      [333, 777],
      [1, 150],
      [5000, 5000],
      [719, 1283],
    ] as const) {
      const size = smartResize(height, width, qwen25);
      expect(size.height % 28).toBe(0);
      expect(size.width % 28).toBe(0);
      expect(size.height * size.width).toBeLessThanOrEqual(DEFAULT_PIXEL_BUDGET.maxPixels);
      expect(size.height * size.width).toBeGreaterThanOrEqual(DEFAULT_PIXEL_BUDGET.minPixels);
    }
  });

  it("rounds halves to even like Python (70 / 28 = 2.5 → 2), unless asked for transformers.js", () => {
    expect(smartResize(70, 280, qwen25)).toEqual({ height: 56, width: 280 });
    // transformers.js (our in-process runtime) rounds halves up and upscales sides below the factor first.
    expect(smartResize(70, 280, { ...qwen25, implementation: "transformers.js" })).toEqual({
      height: 84,
      width: 280,
    });
    expect(smartResize(10, 500, { ...qwen25, implementation: "transformers.js" })).toEqual({
      height: 28,
      width: 1400,
    });
  });

  it("refuses aspect ratios above 200, naming the image size", () => {
    expect(() => smartResize(10, 2001, qwen25)).toThrow(InvalidArgumentError);
    expect(() => smartResize(10, 2001, qwen25)).toThrow(/aspect ratio 200\.1 \(2001×10\)/);
    expect(smartResize(10, 2000, qwen25).width % 28).toBe(0);
  });

  it("rejects sizes that are not positive integers and inverted budgets", () => {
    expect(() => smartResize(0, 10, qwen25)).toThrow(/height: must be a positive integer/);
    expect(() => smartResize(10, 10.5, qwen25)).toThrow(/width/);
    expect(() => smartResize(10, 10, { factor: 28, minPixels: 10, maxPixels: 5 })).toThrow(
      /minPixels <= maxPixels/,
    );
  });
});

describe("roundHalfEven", () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [2.4999, 2],
    [2.5001, 3],
    [-0.5, -0],
    [-1.5, -2],
    [-2.6, -3],
    [7, 7],
  ])("%d → %d", (value, expected) => {
    expect(roundHalfEven(value)).toBe(expected);
  });
});
