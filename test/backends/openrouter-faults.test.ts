/** Faults of the OpenRouter path: statuses, retries (injected clock), timeouts, bad bodies, concurrency, order. */
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { runQwenVlm } from "../../src/api/run-qwen-vlm.js";
import { solidDataUrl } from "../support/images.js";
import {
  completion,
  type Script,
  type ScriptedServer,
  startScriptedServer,
} from "../support/scripted-server.js";

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Starts the server and returns a runtime whose retries record their waits instead of sleeping. */
async function serve(script: Script, extra: { requestTimeoutMs?: number } = {}) {
  server = await startScriptedServer(script);
  const waits: number[] = [];
  const runtime = {
    env: { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY },
    retry: { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 },
    ...extra,
  };
  return { runtime, waits };
}

async function runOne(runtime: object, options: object = {}) {
  const [result] = await runQwenVlm(
    [await solidDataUrl(8, 8)],
    { backend: "openrouter", task_type: "ocr", ...options },
    runtime,
  );
  if (!result) throw new Error("no result");
  return result;
}

describe("OpenRouter faults", () => {
  it("429 with Retry-After waits as asked, then succeeds", async () => {
    const { runtime, waits } = await serve((_, index) =>
      index === 0
        ? {
            status: 429,
            headers: { "retry-after": "2" },
            json: { error: { message: "rate limited", code: 429 } },
          }
        : { json: completion("fine") },
    );
    const result = await runOne(runtime);
    expect(result.output).toBe("fine");
    expect(waits).toEqual([2000]);
    expect(server?.requests).toHaveLength(2);
  });

  it.each([503, 408])("%i is retried with exponential backoff", async (status) => {
    const { runtime, waits } = await serve((_, index) =>
      index < 2 ? { status, json: { error: { message: "busy" } } } : { json: completion("ok") },
    );
    expect((await runOne(runtime)).output).toBe("ok");
    // random() = 0.5 → half of the ceiling fixed plus a quarter: 0.75 × 1 s, then 0.75 × 2 s.
    expect(waits).toEqual([750, 1500]);
  });

  it("5xx that never clears gives up after 4 attempts and says so", async () => {
    const { runtime, waits } = await serve(() => ({
      status: 502,
      json: { error: { message: "provider exploded" } },
    }));
    const result = await runOne(runtime);
    expect(result.output).toBeNull();
    expect(result.error?.message).toMatch(/HTTP 502.*provider exploded.*gave up after 4 attempts/);
    expect(server?.requests).toHaveLength(4);
    expect(waits).toHaveLength(3);
  });

  it.each([
    [400, /invalid/],
    [401, /API key was not accepted/],
    [402, /no credits/],
    [403, /refused/],
    [404, /openrouter_model_version/],
  ])("%i is never retried and says what to do", async (status, hint) => {
    const { runtime, waits } = await serve(() => ({
      status,
      json: { error: { message: `status ${status}`, code: status } },
    }));
    const result = await runOne(runtime);
    expect(result.error?.code).toBe("api_call");
    expect(result.error?.message).toMatch(hint);
    expect(server?.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("a connection dropped before any response is retried", async () => {
    const { runtime, waits } = await serve((_, index) =>
      index === 0 ? { drop: true } : { json: completion("after drop") },
    );
    expect((await runOne(runtime)).output).toBe("after drop");
    expect(waits).toHaveLength(1);
  });

  it("a refused connection is a network error after retries", async () => {
    const { runtime } = await serve(() => ({ json: completion("never") }));
    await server?.close();
    const result = await runOne(runtime);
    expect(result.error?.code).toBe("network");
    expect(result.error?.message).toMatch(
      /could not reach OpenRouter.*ECONNREFUSED.*gave up after 4 attempts/,
    );
  });

  it("a hanging upstream times out and is not retried (it may have been served)", async () => {
    const { runtime, waits } = await serve(() => ({ hang: true }), { requestTimeoutMs: 300 });
    const result = await runOne(runtime);
    expect(result.error?.code).toBe("timeout");
    expect(result.error?.message).toMatch(/did not answer within 300 ms/);
    expect(server?.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("HTTP 200 without choices is an error carrying the upstream message", async () => {
    const { runtime } = await serve(() => ({
      json: { choices: [], error: { message: "no providers available", code: 502 } },
    }));
    const result = await runOne(runtime);
    expect(result.error?.message).toMatch(/no completion.*no providers available/);
    expect(server?.requests).toHaveLength(1);
  });

  it("content null with finish_reason length says to raise max_tokens or turn thinking off", async () => {
    const { runtime } = await serve(() => ({
      json: completion(null, { finishReason: "length", reasoning: "long thoughts" }),
    }));
    const result = await runOne(runtime, { max_tokens: 50 });
    expect(result.error?.code).toBe("model_output");
    expect(result.error?.message).toMatch(/all 50 tokens.*raise max_tokens or turn enable_thinking off/);
  });

  it("a body that is not JSON is a clear error", async () => {
    const { runtime } = await serve(() => ({ text: "<html>gateway</html>" }));
    expect((await runOne(runtime)).error?.message).toMatch(/not JSON.*gateway/);
  });

  it("a model that rejects turning reasoning off is asked once more without the field", async () => {
    const { runtime } = await serve((_, index) =>
      index === 0
        ? {
            status: 400,
            json: {
              error: {
                message: "Reasoning is mandatory for this endpoint and cannot be disabled.",
                code: 400,
              },
            },
          }
        : { json: completion("answered anyway", { reasoning: "had to think" }) },
    );
    const result = await runOne(runtime);
    expect(server?.requests[0]?.body.reasoning).toEqual({ enabled: false });
    expect(server?.requests[1]?.body).not.toHaveProperty("reasoning");
    expect(result.output).toBe("answered anyway");
    expect(result.thinking).toBe("had to think");
    expect(result.warnings.join(" ")).toMatch(/rejected reasoning/);
  });

  it("a missing key is a clear per-image error, and no request is sent", async () => {
    const { runtime } = await serve(() => ({ json: completion("x") }));
    const result = await runOne({ ...runtime, env: { OPENROUTER_BASE_URL: server?.url } });
    expect(result.error?.code).toBe("configuration");
    expect(result.error?.message).toMatch(/OPENROUTER_API_KEY is not set.*sk-or-/);
    expect(server?.requests).toHaveLength(0);
  });

  it("never shows the key in errors, even when the server echoes it", async () => {
    const { runtime } = await serve((request) => ({
      status: 401,
      json: { error: { message: `bad key ${request.headers.authorization}` } },
    }));
    const result = await runOne(runtime);
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(result.error?.message).toMatch(/bad key Bearer sk-or-…\[redacted\]/);
  });

  it("never shows a key that does not look like one either", async () => {
    const odd = "my-own-proxy-token-42";
    server = await startScriptedServer((request) => ({
      status: 403,
      json: { error: { message: `token ${request.headers.authorization?.slice(7)} is not allowed` } },
    }));
    const result = await runOne(
      { env: { OPENROUTER_BASE_URL: server.url }, retry: { sleep: async () => {} } },
      { api_key: odd },
    );
    expect(JSON.stringify(result)).not.toContain(odd);
    expect(result.error?.message).toMatch(/token \[redacted\] is not allowed/);
  });
});

describe("OpenRouter concurrency and order", () => {
  /** Images of distinct widths; the server answers with the width it decoded, after a random delay. */
  async function run(count: number, options: object, env: Record<string, string> = {}) {
    server = await startScriptedServer(async (request) => {
      const url: string = request.body.messages[1].content[0].image_url.url;
      const { width } = await sharp(Buffer.from(url.split(",")[1] ?? "", "base64")).metadata();
      return { delayMs: 20 + Math.floor(Math.random() * 60), json: completion(`width ${width}`) };
    });
    const images = await Promise.all(
      Array.from({ length: count }, (_, index) => solidDataUrl(10 + index, 8)),
    );
    const progress: number[] = [];
    const results = await runQwenVlm(
      images,
      { backend: "openrouter", task_type: "ocr", ...options },
      {
        env: { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY, ...env },
        onProgress: (done) => progress.push(done),
      },
    );
    return { results, progress };
  }

  it("runs at most max_concurrent_requests at once and keeps input order", async () => {
    const { results, progress } = await run(12, { max_concurrent_requests: 3 });
    expect(server?.maxInFlight).toBe(3);
    expect(results.map((result) => result.output)).toEqual(
      Array.from({ length: 12 }, (_, index) => `width ${10 + index}`),
    );
    expect(progress).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
  });

  it("defaults to WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS, else 8", async () => {
    await run(10, {}, { WORKFLOWS_REMOTE_EXECUTION_MAX_STEP_CONCURRENT_REQUESTS: "5" });
    expect(server?.maxInFlight).toBe(5);
    await server?.close();
    await run(12, {});
    expect(server?.maxInFlight).toBe(8);
  });

  it("one failing image keeps the others' outputs and gives its own reason", async () => {
    server = await startScriptedServer(() => ({ json: completion("fine") }));
    const good = await solidDataUrl(8, 8);
    const results = await runQwenVlm(
      [good, "/no/such/photo.jpg", good],
      { backend: "openrouter", task_type: "ocr" },
      {
        env: { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY },
      },
    );
    expect(results.map((result) => result.output)).toEqual(["fine", null, "fine"]);
    expect(results[1]?.error?.message).toMatch(/\/no\/such\/photo.jpg: does not exist/);
    expect(results[1]?.image).toBe("/no/such/photo.jpg");
  });
});
