/**
 * Every workflow in examples/ runs, through the real engine and blocks, with its OpenRouter steps answered by a
 * local stand-in server that replies the way a Qwen model would for each task (fences and all).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWorkflow } from "../src/api/run-workflow.js";
import { SHARED_IMAGES } from "./support/images.js";
import {
  completion,
  type RecordedRequest,
  type ScriptedServer,
  startScriptedServer,
} from "./support/scripted-server.js";

const EXAMPLES = new URL("../examples/", import.meta.url).pathname;
const BIN = new URL("../bin/qwen-vlm.js", import.meta.url).pathname;
let server: ScriptedServer;
let env: Record<string, string>;

/** What a Qwen model says for each task, recognised by the system prompt the block sends. */
function answer(request: RecordedRequest): string {
  const system: string = request.body.messages[0].content;
  if (system.includes("object detector")) {
    return '```json\n[{"box_2d": [100, 150, 480, 950], "label": "dog"}, {"box_2d": [520, 300, 900, 960], "label": "dog"}]\n```';
  }
  if (system.includes("image classifier")) return '{"class_name": "dog", "confidence": 0.93}';
  if (system.includes("read text")) return "ABC 123";
  if (system.includes("extract information"))
    return '```json\n{"vehicle": "car", "colour": "red", "plate": "ABC 123"}\n```';
  if (system.includes("captions")) return "Two dogs on the grass.";
  return "unexpected task";
}

beforeAll(async () => {
  server = await startScriptedServer((request) => ({ json: completion(answer(request)) }));
  env = { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: "sk-or-v1-examples-000000000000" };
});
afterAll(() => server.close());

async function example(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(EXAMPLES, name), "utf8"));
}

describe("examples", () => {
  it("lists only the examples tested here", async () => {
    expect((await readdir(EXAMPLES)).sort()).toEqual([
      "caption.json",
      "classify.json",
      "detect-and-draw.json",
      "detect-crop-ocr.json",
      "ocr.json",
      "structured-answer.json",
    ]);
  });

  it("ocr.json reads text, one result per image", async () => {
    const results = await runWorkflow(
      await example("ocr.json"),
      { image: [`${SHARED_IMAGES}car.jpg`, `${SHARED_IMAGES}dogs.jpg`] },
      { env },
    );
    expect(results).toEqual([{ text: "ABC 123" }, { text: "ABC 123" }]);
  });

  it("caption.json captions with the model chosen by a parameter", async () => {
    const before = server.requests.length;
    const results = await runWorkflow(
      await example("caption.json"),
      { image: `${SHARED_IMAGES}dogs.jpg`, model: "Qwen 3.6 Flash" },
      { env },
    );
    expect(results).toEqual([{ caption: "Two dogs on the grass." }]);
    expect(server.requests[before]?.body.model).toBe("qwen/qwen3.6-flash");
  });

  it("detect-and-draw.json gives inference-server detections and a picture with boxes", async () => {
    const [result] = (await runWorkflow(
      await example("detect-and-draw.json"),
      { image: `${SHARED_IMAGES}dogs.jpg` },
      { env },
    )) as Array<
      Record<
        string,
        { image: object; predictions: Array<Record<string, unknown>>; type: string; value: string }
      >
    >;
    const predictions = result?.predictions;
    expect(predictions?.image).toEqual({ width: 640, height: 427 });
    expect(predictions?.predictions).toHaveLength(2);
    // box_2d [100, 150, 480, 950] of 640×427 → x 64..307, y 64..406: centre (185.5, 235), size 243×342.
    expect(predictions?.predictions[0]).toMatchObject({
      class: "dog",
      class_id: 0,
      confidence: 1,
      x: 185.5,
      y: 235,
      width: 243,
      height: 342,
    });
    expect(result?.annotated?.type).toBe("base64");
    const drawn = await sharp(Buffer.from(result?.annotated?.value ?? "", "base64")).metadata();
    expect([drawn.width, drawn.height, drawn.format]).toEqual([640, 427, "png"]);
  });

  it("detect-crop-ocr.json reads the text of every crop", async () => {
    const [result] = (await runWorkflow(
      await example("detect-crop-ocr.json"),
      { image: `${SHARED_IMAGES}license_plate.jpg` },
      { env },
    )) as Array<Record<string, unknown>>;
    expect(result?.plate_text).toEqual(["ABC 123", "ABC 123"]);
    const crops = server.requests
      .filter((request) => request.body.messages[0].content.includes("read text"))
      .slice(-2);
    const sizes = await Promise.all(
      crops.map(async (request) => {
        const url: string = request.body.messages[1].content[0].image_url.url;
        const { width, height } = await sharp(Buffer.from(url.split(",")[1] ?? "", "base64")).metadata();
        return [width, height];
      }),
    );
    // Crops of 1920×1280: x 192..922 × y 192..1216 and x 998..1728 × y 384..1229 (rounded half to even).
    expect(sizes.sort()).toEqual(
      [
        [730, 1024],
        [730, 845],
      ].sort(),
    );
  });

  it("classify.json gives an inference-server classification", async () => {
    const [result] = (await runWorkflow(
      await example("classify.json"),
      { image: `${SHARED_IMAGES}dogs.jpg` },
      { env },
    )) as Array<Record<string, { top: string; confidence: number; predictions: unknown[] }>>;
    expect(result?.error_status).toBe(false);
    expect(result?.predictions).toMatchObject({ top: "dog", confidence: 0.93 });
    expect(result?.predictions?.predictions).toHaveLength(3);
  });

  it("structured-answer.json turns the model's JSON into outputs", async () => {
    const results = await runWorkflow(
      await example("structured-answer.json"),
      { image: `${SHARED_IMAGES}car.jpg` },
      { env },
    );
    expect(results).toEqual([{ vehicle: "car", colour: "red", plate: "ABC 123", error_status: false }]);
  });

  it("runs from the command line, writing the annotated picture", async () => {
    const folder = await mkdtemp(join(tmpdir(), "qwen-vlm-examples-"));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        BIN,
        "run",
        join(EXAMPLES, "detect-and-draw.json"),
        "--input",
        `image=${SHARED_IMAGES}dogs.jpg`,
        "--output-dir",
        folder,
      ],
      { env: { PATH: process.env.PATH, ...env } },
    );
    const files = await readdir(folder);
    expect(files.some((file) => file.endsWith(".png"))).toBe(true);
    expect(stdout).toMatch(/annotated/);
  });
});
