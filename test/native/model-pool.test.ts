/**
 * The pool of loaded models: one load per model, calls to one model queued, a bound that frees the least
 * recently used idle model, failed loads forgotten. Models here are stand-ins that record what happens to them;
 * the last test uses real tiny models through the backend.
 */
import { describe, expect, it } from "vitest";
import { createModelPool } from "../../src/backends/native/model-pool.js";
import { createNativeBackend } from "../../src/backends/native/native-backend.js";
import type { QwenRuntimeModel } from "../../src/backends/native/onnx-runtime.js";
import { loadImage } from "../../src/vision/image.js";
import { SHARED_IMAGES } from "../support/images.js";
import { tinyModelDir } from "../support/tiny-models.js";

interface FakeModel {
  readonly name: string;
  disposed: boolean;
  dispose(): Promise<void>;
}

function tracker() {
  const loads: string[] = [];
  const models = new Map<string, FakeModel>();
  const load = (name: string) => async (): Promise<FakeModel> => {
    loads.push(name);
    const model: FakeModel = {
      name,
      disposed: false,
      async dispose() {
        model.disposed = true;
      },
    };
    models.set(name, model);
    return model;
  };
  return { loads, models, load };
}

const nothing = async () => undefined;

describe("model pool", () => {
  it("loads a model once and reuses it", async () => {
    const pool = createModelPool<FakeModel>(2);
    const { loads, load } = tracker();
    await pool.use("a", load("a"), nothing);
    await pool.use("a", load("a"), nothing);
    await Promise.all([pool.use("a", load("a"), nothing), pool.use("a", load("a"), nothing)]);
    expect(loads).toEqual(["a"]);
  });

  it("queues concurrent calls to one model, in the order they came", async () => {
    const pool = createModelPool<FakeModel>(1);
    const { load } = tracker();
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const work = (id: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      events.push(`start ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${id}`);
      running -= 1;
      return id;
    };
    const results = await Promise.all([1, 2, 3].map((id) => pool.use("a", load("a"), work(id))));
    expect(results).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    expect(events).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("frees the least recently used model when one more is loaded than the bound allows", async () => {
    const pool = createModelPool<FakeModel>(2);
    const { loads, models, load } = tracker();
    await pool.use("a", load("a"), nothing);
    await pool.use("b", load("b"), nothing);
    await pool.use("a", load("a"), nothing); // a is now the most recently used
    await pool.use("c", load("c"), nothing);
    expect(pool.loadedKeys()).toEqual(["a", "c"]);
    expect(models.get("b")?.disposed).toBe(true);
    expect(models.get("a")?.disposed).toBe(false);
    await pool.use("b", load("b"), nothing); // loaded again after being freed
    expect(loads).toEqual(["a", "b", "c", "b"]);
    expect(models.get("a")?.disposed).toBe(true);
  });

  it("never frees a model while a call is using it", async () => {
    const pool = createModelPool<FakeModel>(1);
    const { models, load } = tracker();
    let release: () => void = () => {};
    const busy = pool.use("a", load("a"), () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await pool.use("b", load("b"), nothing);
    expect(models.get("a")?.disposed).toBe(false);
    release();
    await busy;
    expect(models.get("a")?.disposed).toBe(true);
    expect(pool.loadedKeys()).toEqual(["b"]);
  });

  it("forgets a failed load, so the next call tries again", async () => {
    const pool = createModelPool<FakeModel>(1);
    const { load } = tracker();
    await expect(pool.use("a", () => Promise.reject(new Error("disk full")), nothing)).rejects.toThrow(
      "disk full",
    );
    expect(pool.loadedKeys()).toEqual([]);
    await pool.use("a", load("a"), nothing);
    expect(pool.loadedKeys()).toEqual(["a"]);
  });

  it("refuses a bound below one", () => {
    expect(() => createModelPool(0)).toThrow(/integer ≥ 1/);
  });

  it("with real tiny models and a bound of 1, the backend keeps only the model used last", async () => {
    const pool = createModelPool<QwenRuntimeModel>(1);
    const backend = await createNativeBackend({ env: { QWEN_VLM_OFFLINE: "1" }, pool });
    const image = await loadImage(`${SHARED_IMAGES}car.jpg`);
    const request = { image, prompt: { system: "", user: "Hi" }, maxTokens: 2, enableThinking: false };
    const first = await tinyModelDir("qwen3_vl");
    const second = await tinyModelDir("qwen2_5_vl");
    await backend.generate({ ...request, model: first });
    expect(pool.loadedKeys()).toHaveLength(1);
    expect(pool.loadedKeys()[0]).toContain(first);
    await backend.generate({ ...request, model: second });
    expect(pool.loadedKeys()).toHaveLength(1);
    expect(pool.loadedKeys()[0]).toContain(second);
    await pool.clear();
    expect(pool.loadedKeys()).toEqual([]);
  });
});
