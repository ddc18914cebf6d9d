/** What the OpenRouter backend sends, for every task type, privacy level and thinking setting. */
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { runQwenVlm } from "../../src/api/run-qwen-vlm.js";
import { createOpenRouterBackend } from "../../src/backends/openrouter/openrouter-backend.js";
import { TASK_TYPES } from "../../src/blocks/models/qwen-vlm/task-types.js";
import { loadImage } from "../../src/vision/image.js";
import { SHARED_IMAGES, solidDataUrl, solidJpeg } from "../support/images.js";
import { completion, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";
import { TASK_INPUTS } from "../support/task-inputs.js";

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(content = "ok", extra: Parameters<typeof completion>[1] = {}) {
  server = await startScriptedServer(() => ({ json: completion(content, extra) }));
  return { env: { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY } };
}

describe("OpenRouter requests", () => {
  it.each(TASK_TYPES)("task %s: system rules, then the image before the user's text", async (taskType) => {
    const runtime = await serve("answer");
    const [result] = await runQwenVlm(
      [`${SHARED_IMAGES}dogs.jpg`],
      { backend: "openrouter", task_type: taskType, ...TASK_INPUTS[taskType] },
      runtime,
    );
    expect(result?.error).toBeUndefined();
    expect(result?.output).toBe("answer");
    const body = server?.requests[0]?.body;
    expect(server?.requests[0]?.path).toBe("/chat/completions");
    expect(body.model).toBe("qwen/qwen3.6-27b");
    expect(body.max_tokens).toBe(500);
    expect(body.temperature).toBe(0.1);
    expect(body.provider).toEqual({ data_collection: "deny" });
    expect(body.reasoning).toEqual({ enabled: false });
    const [system, user] = body.messages;
    expect(system.role).toBe("system");
    expect(system.content.length).toBeGreaterThan(20);
    expect(user.role).toBe("user");
    expect(user.content[0].type).toBe("image_url");
    expect(user.content[0].image_url.url).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(user.content[1].type).toBe("text");
    const inputs = TASK_INPUTS[taskType] as {
      prompt?: string;
      classes?: string[];
      output_structure?: object;
    };
    if (inputs.prompt) expect(user.content[1].text).toContain(inputs.prompt);
    for (const name of inputs.classes ?? []) expect(user.content[1].text).toContain(`"${name}"`);
    if (inputs.output_structure) expect(user.content[1].text).toContain('"count": "how many dogs"');
  });

  it("sends the image EXIF-oriented at its full size when it fits", async () => {
    const runtime = await serve();
    const rotated = await sharp({ create: { width: 60, height: 20, channels: 3, background: "red" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    await runQwenVlm([rotated], { backend: "openrouter", task_type: "ocr" }, runtime);
    const url: string = server?.requests[0]?.body.messages[1].content[0].image_url.url;
    const sent = await sharp(Buffer.from(url.split(",")[1] ?? "", "base64")).metadata();
    expect([sent.width, sent.height, sent.orientation ?? 1]).toEqual([20, 60, 1]);
  });

  it.each([
    ["allow", undefined],
    ["deny", { data_collection: "deny" }],
    ["zdr", { data_collection: "deny", zdr: true }],
  ] as const)("privacy_level %s → provider %j", async (privacy_level, provider) => {
    const runtime = await serve();
    await runQwenVlm(
      [await solidDataUrl(8, 8)],
      { backend: "openrouter", task_type: "ocr", privacy_level },
      runtime,
    );
    expect(server?.requests[0]?.body.provider).toEqual(provider);
  });

  it("sends the key as a bearer token with attribution headers", async () => {
    const runtime = await serve();
    await runQwenVlm([await solidDataUrl(8, 8)], { backend: "openrouter", task_type: "ocr" }, runtime);
    const headers = server?.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers["http-referer"]).toMatch(/^https:\/\//);
    expect(headers["x-title"]).toBe("qwen-vlm");
    expect(headers["content-type"]).toBe("application/json");
  });

  it("uses the caller's own sk-or- key as is, without OPENROUTER_API_KEY", async () => {
    await serve();
    const own = "sk-or-v1-ffffffffffffffffffffffffffffffff";
    await runQwenVlm(
      [await solidDataUrl(8, 8)],
      { backend: "openrouter", task_type: "ocr", api_key: own },
      { env: { OPENROUTER_BASE_URL: server?.url } },
    );
    expect(server?.requests[0]?.headers.authorization).toBe(`Bearer ${own}`);
  });

  it("maps labels to slugs and passes raw slugs through, with max_tokens and temperature", async () => {
    const runtime = await serve();
    const image = await solidDataUrl(8, 8);
    await runQwenVlm(
      [image],
      { backend: "openrouter", task_type: "ocr", openrouter_model_version: "Qwen 3.5 Plus" },
      runtime,
    );
    await runQwenVlm(
      [image],
      {
        backend: "openrouter",
        task_type: "ocr",
        openrouter_model_version: "qwen/qwen3.7-flash",
        max_tokens: 64,
        temperature: 1.5,
      },
      runtime,
    );
    expect(server?.requests.map((request) => request.body.model)).toEqual([
      "qwen/qwen3.5-plus-20260420",
      "qwen/qwen3.7-flash",
    ]);
    expect(server?.requests[1]?.body.max_tokens).toBe(64);
    expect(server?.requests[1]?.body.temperature).toBe(1.5);
  });

  it("enable_thinking asks for reasoning and returns it, with a <think> block left in the content", async () => {
    const runtime = await serve("<think>the dogs are small</think>two dogs", {
      reasoning: "counting the dogs",
    });
    const [result] = await runQwenVlm(
      [await solidDataUrl(8, 8)],
      { backend: "openrouter", task_type: "caption", enable_thinking: true },
      runtime,
    );
    expect(server?.requests[0]?.body.reasoning).toEqual({ enabled: true });
    expect(result?.output).toBe("two dogs");
    expect(result?.thinking).toBe("counting the dogs\n\nthe dogs are small");
  });

  it("keeps usage (tokens and cost) of every call in the library result", async () => {
    const runtime = await serve();
    const [result] = await runQwenVlm(
      [await solidDataUrl(8, 8)],
      { backend: "openrouter", task_type: "ocr" },
      runtime,
    );
    expect(result?.usage).toEqual({
      promptTokens: 100,
      completionTokens: 10,
      totalTokens: 110,
      cost: 0.00012,
    });
    expect(result?.model).toBe("qwen/qwen3.6-27b");
  });

  it("passes classes through as an output", async () => {
    const runtime = await serve('{"class_name": "dog", "confidence": 0.9}');
    const [result] = await runQwenVlm(
      [await solidDataUrl(8, 8)],
      { backend: "openrouter", task_type: "classification", classes: ["dog", "cat"] },
      runtime,
    );
    expect(result?.classes).toEqual(["dog", "cat"]);
    expect(result?.thinking).toBe("");
  });

  it("generate() uses the encoding prepare() made ahead of time instead of decoding again", async () => {
    await serve();
    const backend = createOpenRouterBackend({
      apiKey: KEY,
      privacyLevel: "deny",
      baseURL: server?.url ?? "",
    });
    const image = await loadImage(await solidJpeg(40, 30));
    const request = {
      image,
      prompt: { system: "", user: "hi" },
      model: "qwen/qwen3.6-27b",
      maxTokens: 10,
      enableThinking: false,
    };
    await backend.prepare?.(request);
    image.bytes.fill(0); // the file is gone: only the prepared encoding can still answer
    const result = await backend.generate(request);
    expect(result.output).toBe("ok");
    const url: string = server?.requests[0]?.body.messages.at(-1).content[0].image_url.url;
    expect((await sharp(Buffer.from(url.split(",")[1] ?? "", "base64")).metadata()).width).toBe(40);
    // Taken once: a second generate() decodes the (now zeroed) bytes again and fails on them.
    await expect(backend.generate(request)).rejects.toThrow(/could not be decoded|not an image/);
  });
});
