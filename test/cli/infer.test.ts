/** `qwen-vlm infer` and `describe` as a user runs them: a real process, a real local OpenRouter stand-in. */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_IMAGES } from "../support/images.js";
import { completion, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

const BIN = new URL("../../bin/qwen-vlm.js", import.meta.url).pathname;
const KEY = "sk-or-v1-cli-test-000000000000000000";
let server: ScriptedServer;
let folder = "";

beforeAll(async () => {
  server = await startScriptedServer((request) => ({ json: completion(`model ${request.body.model}`) }));
  folder = await mkdtemp(join(tmpdir(), "qwen-vlm-cli-"));
});
afterAll(() => server.close());

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("qwen-vlm infer", () => {
  it("prints one JSON object per image, in order, with output, classes and thinking", async () => {
    const images = [`${SHARED_IMAGES}dogs.jpg`, `${SHARED_IMAGES}car.jpg`];
    const { code, stdout, stderr } = await cli([
      "infer",
      ...images,
      "--backend",
      "openrouter",
      "--task",
      "classification",
      "--classes",
      "dog, car",
      "--openrouter-model-version",
      "Qwen 3.6 Flash",
      "--json",
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results.map((result: { image: string }) => result.image)).toEqual(images);
    expect(results[0]).toMatchObject({
      output: "model qwen/qwen3.6-flash",
      classes: ["dog", "car"],
      thinking: "",
    });
    expect(stderr).toMatch(/2\/2 images/);
  });

  it("prints plain text without --json", async () => {
    const { code, stdout } = await cli([
      "infer",
      `${SHARED_IMAGES}car.jpg`,
      "--backend",
      "openrouter",
      "--task-type",
      "caption",
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("model qwen/qwen3.6-27b\n");
  });

  it("keeps going past a bad image, then exits 1 naming it", async () => {
    const notImage = join(folder, "notes.png");
    await writeFile(notImage, "just text");
    const { code, stdout } = await cli([
      "infer",
      notImage,
      `${SHARED_IMAGES}car.jpg`,
      "--backend",
      "openrouter",
      "--task",
      "ocr",
      "--json",
    ]);
    expect(code).toBe(1);
    const [bad, good] = JSON.parse(stdout);
    expect(bad).toMatchObject({ output: null, error: { code: "image" } });
    expect(bad.error.message).toMatch(/notes.png: is not an image/);
    expect(good.output).toBe("model qwen/qwen3.6-27b");
  });

  it.each([
    [
      ["--task", "nope"],
      /task_type: "nope" is not one of the allowed values\. Valid values: "unconstrained"/,
    ],
    [["--task", "ocr", "--temperature", "abc"], /temperature: must be a number, got "abc"/],
    [["--task", "ocr", "--temperature", "3"], /temperature: must be ≤ 2, got 3/],
    [["--task", "classification"], /classes: is required when task_type is "classification"/],
    [["--task", "ocr", "--privacy-level", "public"], /privacy_level: "public" is not one of/],
    [["--task", "ocr", "--openrouter-model-version", "Qwen 3.5 VL 2B"], /"Qwen 3.5 VL 2B" is a native model/],
    [["--task", "structured-answering", "--output-structure", "{bad"], /output_structure: is not valid JSON/],
  ])("bad input %j exits non-zero with one line", async (flags, message) => {
    const { code, stdout, stderr } = await cli([
      "infer",
      `${SHARED_IMAGES}car.jpg`,
      "--backend",
      "openrouter",
      ...flags,
    ]);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it("says how to fix a missing key", async () => {
    const { code, stdout } = await cli(
      ["infer", `${SHARED_IMAGES}car.jpg`, "--backend", "openrouter", "--task", "ocr"],
      {
        OPENROUTER_API_KEY: "",
      },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/error: .*OPENROUTER_API_KEY is not set/);
  });
});

describe("qwen-vlm describe", () => {
  it("prints the block manifest as JSON Schema", async () => {
    const { code, stdout } = await cli(["describe", "roboflow_core/qwen_vlm@v1"]);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.$id).toBe("roboflow_core/qwen_vlm@v1");
    expect(schema.properties.backend.enum).toEqual(["native", "openrouter"]);
    expect(schema["x-outputs"].map((output: { name: string }) => output.name)).toEqual([
      "output",
      "classes",
      "thinking",
    ]);
  });

  it("refuses an unknown block type, listing the known ones", async () => {
    const { code, stderr } = await cli(["describe", "roboflow_core/nope@v1"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no block "roboflow_core\/nope@v1".*roboflow_core\/qwen_vlm@v1/);
  });
});
