/** The two concurrency helpers: a bound that holds, order that is kept, failures that stay in their slot. */
import { describe, expect, it } from "vitest";
import { createLimiter, mapSettledWithLimit } from "../../src/util/concurrency.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("createLimiter", () => {
  it("never runs more than its limit at once, and serves waiters first come first served", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, index) =>
        limit(async () => {
          started.push(index);
          active += 1;
          most = Math.max(most, active);
          await tick();
          active -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("frees its slot when the work fails", async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limit(async () => "next")).resolves.toBe("next");
  });
});

describe("mapSettledWithLimit", () => {
  it("keeps input order, isolates failures and reports progress", async () => {
    const progress: number[] = [];
    const results = await mapSettledWithLimit(
      [30, 1, 20, 2],
      2,
      async (ms, index) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (index === 2) throw new Error("third failed");
        return ms * 10;
      },
      (done) => progress.push(done),
    );
    expect(results.map((result) => (result.ok ? result.value : (result.error as Error).message))).toEqual([
      300,
      10,
      "third failed",
      20,
    ]);
    expect(progress).toEqual([1, 2, 3, 4]);
  });

  it("refuses a limit below 1", async () => {
    await expect(mapSettledWithLimit([1], 0, async (value) => value)).rejects.toThrow(/≥ 1/);
  });
});
