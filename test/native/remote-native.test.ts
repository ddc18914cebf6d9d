/**
 * Remote native (QWEN_VLM_NATIVE_URL) against a real local OpenAI-compatible server: what is sent (model name,
 * system turn, image part first, greedy decoding, max_tokens, chat_template_kwargs.enable_thinking), how answers
 * and reasoning come back, Qwen2.5-VL's pixel boxes on the 0–1000 grid, concurrency, and faults (5xx retried with
 * an injected clock, timeouts not retried).
 */
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { type QwenVlmOptions, runQwenVlm } from "../../src/api/run-qwen-vlm.js";
import { DEFAULT_PIXEL_BUDGET, smartResize } from "../../src/vision/smart-resize.js";
import { SHARED_IMAGES } from "../support/images.js";
import {
  completion,
  type Script,
  type ScriptedServer,
  startScriptedServer,
} from "../support/scripted-server.js";

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  script: Script,
  env: Record<string, string> = {},
  extra: { requestTimeoutMs?: number } = {},
) {
  server = await startScriptedServer(script);
  const waits: number[] = [];
  const runtime = {
    env: { QWEN_VLM_NATIVE_URL: `${server.url}/v1`, ...env },
    retry: { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 },
    ...extra,
  };
  return { runtime, waits, server };
}

const DOGS = `${SHARED_IMAGES}dogs.jpg`;
const run = (runtime: object, options: QwenVlmOptions = {}, images = [DOGS]) =>
  runQwenVlm(images, { backend: "native", task_type: "caption", ...options }, runtime);

describe("remote native requests", () => {
  it("sends the prompt with the image first, greedy decoding, max_tokens and the thinking switch", async () => {
    const { runtime, server } = await serve(() => ({ json: completion("two dogs") }));
    const [result] = await run(runtime, { max_tokens: 77 });
    expect(result?.output).toBe("two dogs");
    expect(result?.usage).toMatchObject({ promptTokens: 100, completionTokens: 10 });
    const request = server.requests[0];
    expect(request?.path).toBe("/v1/chat/completions");
    const body = request?.body;
    expect(body.model).toBe("Qwen/Qwen3.5-2B"); // the default label's checkpoint, as vLLM serves it
    expect(body.max_tokens).toBe(77);
    expect(body.temperature).toBe(0);
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: false });
    const [system, user] = body.messages;
    expect(system.role).toBe("system");
    expect(user.content[0].type).toBe("image_url");
    expect(user.content[1]).toEqual({ type: "text", text: "Write a short caption for this image." });
    // The image is sent at the size the server's processor keeps: smart-resized within our budget.
    const jpeg = Buffer.from(
      user.content[0].image_url.url.replace(/^data:image\/jpeg;base64,/, ""),
      "base64",
    );
    const { width, height } = await sharp(jpeg).metadata();
    expect({ width, height }).toEqual(smartResize(427, 640, { factor: 32, ...DEFAULT_PIXEL_BUDGET }));
  });

  it("asks for the served name, the API key and thinking as configured", async () => {
    const { runtime, server } = await serve(() => ({ json: completion("ok") }), {
      QWEN_VLM_NATIVE_MODEL: "my-qwen",
      QWEN_VLM_NATIVE_API_KEY: "token-123456",
    });
    await run(runtime, { enable_thinking: true });
    expect(server.requests[0]?.body.model).toBe("my-qwen");
    expect(server.requests[0]?.body.chat_template_kwargs).toEqual({ enable_thinking: true });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer token-123456");
  });

  it("splits thinking: tags in content, reasoning_content, and a trace cut off by max_tokens", async () => {
    const answers = [
      { ...completion("reasoning here</think>the answer") },
      {
        ...completion("the answer"),
        choices: [
          { finish_reason: "stop", message: { content: "the answer", reasoning_content: "thought" } },
        ],
      },
      completion("still thinking about", { finishReason: "length" }),
    ];
    const { runtime } = await serve((_, index) => ({ json: answers[index] }));
    const results = [];
    for (let index = 0; index < answers.length; index++)
      results.push((await run(runtime, { enable_thinking: true }))[0]);
    expect(results.map((result) => [result?.thinking, result?.output])).toEqual([
      ["reasoning here", "the answer"],
      ["thought", "the answer"],
      ["still thinking about", ""],
    ]);
    expect(results[2]?.warnings.join(" ")).toMatch(/cut off at max_tokens/);
  });

  it("Qwen 2.5 VL 7B: asks for pixel boxes and returns them on the 0–1000 grid", async () => {
    // The image is sent at 644×420 (smart resize, factor 28); the model answers in pixels of that.
    const { runtime, server } = await serve(() => ({
      json: completion('```json\n[{"bbox_2d": [161, 105, 322, 420], "label": "dog"}]\n```'),
    }));
    const [result] = await run(runtime, {
      model_version: "Qwen 2.5 VL 7B",
      task_type: "object-detection",
      classes: ["dog"],
    });
    const body = server.requests[0]?.body;
    expect(body.model).toBe("Qwen/Qwen2.5-VL-7B-Instruct");
    expect(body.messages[0].content).toMatch(/absolute pixel coordinates/);
    expect(JSON.parse(result?.output ?? "")).toEqual([{ box_2d: [250, 250, 500, 1000], label: "dog" }]);
  });

  it("Qwen 3 VL 2B: asks for 0–1000 boxes and leaves them as they are", async () => {
    const answer = '[{"box_2d": [10, 20, 30, 40], "label": "dog"}]';
    const { runtime, server } = await serve(() => ({ json: completion(answer) }));
    const [result] = await run(runtime, {
      model_version: "Qwen 3 VL 2B",
      task_type: "object-detection",
      classes: ["dog"],
    });
    expect(server.requests[0]?.body.messages[0].content).toMatch(/from 0 to 1000/);
    expect(result?.output).toBe(answer);
  });

  it("runs up to max_concurrent_requests at once and keeps input order", async () => {
    const { runtime, server } = await serve((request) => ({
      delayMs: 30,
      json: completion(`answer ${request.body.messages[1].content[0].image_url.url.length}`),
    }));
    const images = [DOGS, `${SHARED_IMAGES}car.jpg`, DOGS, `${SHARED_IMAGES}car.jpg`];
    const results = await run(runtime, { max_concurrent_requests: 4 }, images);
    expect(server.maxInFlight).toBeGreaterThan(1);
    expect(results[0]?.output).toBe(results[2]?.output);
    expect(results[1]?.output).toBe(results[3]?.output);
    expect(results[0]?.output).not.toBe(results[1]?.output);
  });
});

describe("remote native faults", () => {
  it("a 503 is retried after a backoff, then succeeds", async () => {
    const { runtime, waits, server } = await serve((_, index) =>
      index === 0
        ? { status: 503, json: { error: { message: "loading model" } } }
        : { json: completion("ok") },
    );
    const [result] = await run(runtime);
    expect(result?.output).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it("gives up after the retries with the server's words", async () => {
    const { runtime, server } = await serve(() => ({
      status: 500,
      json: { error: { message: "CUDA out of memory" } },
    }));
    const [result] = await run(runtime);
    expect(server.requests).toHaveLength(4);
    expect(result?.error?.message).toMatch(/HTTP 500.*CUDA out of memory.*gave up after 4 attempts/);
  });

  it("a server that does not answer in time is a timeout, not retried", async () => {
    const { runtime, server } = await serve(() => ({ hang: true }), {}, { requestTimeoutMs: 200 });
    const [result] = await run(runtime);
    expect(result?.error?.code).toBe("timeout");
    expect(server.requests).toHaveLength(1);
  });

  it("a 404 says how to name the served model", async () => {
    const { runtime } = await serve(() => ({ status: 404, json: { error: { message: "model not found" } } }));
    const [result] = await run(runtime);
    expect(result?.error?.message).toMatch(/QWEN_VLM_NATIVE_MODEL/);
  });
});
