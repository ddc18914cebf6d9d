/**
 * Loads the shared conformance vectors (../shared/conformance beside the repository) and compares results
 * the way the Python tests they come from do: `np.allclose` (|a - b| <= atol + rtol·|b|), `pytest.approx`
 * (|a - b| <= max(rel·|b|, abs)), and lists compared as sets.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Folder of the shared vectors. */
export const CONFORMANCE_DIR = path.resolve(repoRoot, "../shared/conformance");

/** Reads one vector file (a JSON array). */
export function loadVectors<T>(fileName: string): T[] {
  return JSON.parse(readFileSync(path.join(CONFORMANCE_DIR, fileName), "utf8")) as T[];
}

/** `np.allclose` tolerance. */
export interface AllClose {
  readonly rtol: number;
  readonly atol: number;
}

/** Asserts `actual` and `expected` (numbers or nested arrays of numbers) are element-wise close. */
export function expectAllClose(actual: unknown, expected: unknown, tolerance: AllClose, label: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${label}: expected an array`).toBe(true);
    const values = actual as unknown[];
    expect(values.length, `${label}: length`).toBe(expected.length);
    expected.forEach((item, index) => {
      expectAllClose(values[index], item, tolerance, `${label}[${index}]`);
    });
    return;
  }
  const a = actual as number;
  const b = expected as number;
  const allowed = tolerance.atol + tolerance.rtol * Math.abs(b);
  expect(Math.abs(a - b) <= allowed, `${label}: ${a} is not within ${allowed} of ${b}`).toBe(true);
}

/** Asserts `pytest.approx` closeness (default rel 1e-6, abs 1e-12) of two numeric arrays. */
export function expectApprox(
  actual: readonly number[],
  expected: readonly number[],
  rel = 1e-6,
  abs = 1e-12,
): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => {
    const a = actual[index] ?? Number.NaN;
    const allowed = Math.max(rel * Math.abs(value), abs);
    expect(Math.abs(a - value) <= allowed, `[${index}]: ${a} is not approx ${value}`).toBe(true);
  });
}

/**
 * Deep comparison for classifier-style expectations: numbers at paths listed in `tolerances` may differ by
 * that much, lists at paths in `sets` are compared as sets, everything else must be equal.
 */
export function expectMatches(
  actual: unknown,
  expected: unknown,
  options: { tolerances?: Readonly<Record<string, number>>; sets?: readonly string[] },
  at = "",
): void {
  const label = at || "(root)";
  const tolerance = options.tolerances?.[at];
  if (typeof expected === "number" && tolerance !== undefined) {
    expect(typeof actual, label).toBe("number");
    expect(Math.abs((actual as number) - expected) <= tolerance, `${label}: ${actual} vs ${expected}`).toBe(
      true,
    );
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${label}: expected an array`).toBe(true);
    const items = actual as unknown[];
    if (options.sets?.includes(at)) {
      expect(new Set(items), label).toEqual(new Set(expected));
      expect(items.length, `${label}: no duplicates`).toBe(new Set(items).size);
      return;
    }
    expect(items.length, `${label}: length`).toBe(expected.length);
    expected.forEach((item, index) => {
      expectMatches(items[index], item, options, `${at}.${index}`);
    });
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    expect(typeof actual === "object" && actual !== null, `${label}: expected an object`).toBe(true);
    const object = actual as Record<string, unknown>;
    expect(Object.keys(object).sort(), `${label}: keys`).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectMatches(object[key], value, options, at ? `${at}.${key}` : key);
    }
    return;
  }
  expect(actual, label).toStrictEqual(expected);
}
