/** `qwen-vlm run` as a user runs it: a real process, workflow files on disk, a local OpenRouter stand-in. */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_IMAGES } from "../support/images.js";
import { completion, type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";

const BIN = new URL("../../bin/qwen-vlm.js", import.meta.url).pathname;
const KEY = "sk-or-v1-cli-run-test-0000000000000000";
let server: ScriptedServer;
let folder = "";

const WORKFLOW = {
  version: "1.0",
  inputs: [
    { type: "WorkflowImage", name: "image" },
    { type: "WorkflowParameter", name: "question", default_value: "What is this?" },
    { type: "WorkflowParameter", name: "settings", default_value: { max: 1 } },
  ],
  steps: [
    {
      type: "roboflow_core/qwen_vlm@v1",
      name: "qwen",
      images: "$inputs.image",
      backend: "openrouter",
      task_type: "visual-question-answering",
      prompt: "$inputs.question",
    },
  ],
  outputs: [
    { type: "JsonField", name: "answer", selector: "$steps.qwen.output" },
    { type: "JsonField", name: "picture", selector: "$inputs.image" },
    { type: "JsonField", name: "settings", selector: "$inputs.settings" },
  ],
};

beforeAll(async () => {
  // The answer repeats the last line of the prompt (the question), so tests can see what was asked.
  server = await startScriptedServer((request) => {
    const text = String(request.body?.messages?.[1]?.content?.[1]?.text ?? "");
    return { json: completion(`answer: ${text.split("\n").pop()}`) };
  });
  folder = await mkdtemp(join(tmpdir(), "qwen-vlm-run-"));
  await writeFile(join(folder, "workflow.json"), JSON.stringify(WORKFLOW));
});
afterAll(() => server.close());

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function workflowFile(name: string, content: unknown): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("qwen-vlm run", () => {
  it("runs a batch and prints one JSON object per image, in order, with progress on stderr", async () => {
    const question = join(folder, "question.txt");
    // JSON inside the file stays text: @file is read verbatim.
    await writeFile(question, '["How many wheels?"]');
    const { code, stdout, stderr } = await cli([
      "run",
      join(folder, "workflow.json"),
      "--input",
      `image=${SHARED_IMAGES}car.jpg`,
      "--input",
      `image=${SHARED_IMAGES}dogs.jpg`,
      "--input",
      `question=@${question}`,
      "--input",
      'settings={"max": 3}',
      "--json",
    ]);
    expect(stderr).toMatch(/2\/2 elements of step "qwen"/);
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results).toHaveLength(2);
    expect(results.map((result: { answer: string }) => result.answer)).toEqual([
      'answer: ["How many wheels?"]',
      'answer: ["How many wheels?"]',
    ]);
    expect(results[0].settings).toEqual({ max: 3 });
    const car = await readFile(`${SHARED_IMAGES}car.jpg`);
    const dogs = await readFile(`${SHARED_IMAGES}dogs.jpg`);
    expect(results[0].picture).toEqual({ type: "base64", value: car.toString("base64") });
    expect(results[1].picture).toEqual({ type: "base64", value: dogs.toString("base64") });
  });

  it("takes a parameter as plain text when it is not JSON, and prints a readable summary", async () => {
    const { code, stdout } = await cli([
      "run",
      join(folder, "workflow.json"),
      "--input",
      `image=${SHARED_IMAGES}dogs.jpg`,
      "--input",
      "question=How many dogs?",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("answer: answer: How many dogs?");
    expect(stdout).toMatch(/picture: image \d+×\d+ \(use --output-dir to save it\)/);
    expect(stdout).toContain('settings: {"max":1}');
  });

  it("writes output images to --output-dir with names that say which image and output they are", async () => {
    const out = join(folder, "out");
    const { code, stdout } = await cli([
      "run",
      join(folder, "workflow.json"),
      "--input",
      `image=${SHARED_IMAGES}car.jpg`,
      "--input",
      `image=${SHARED_IMAGES}dogs.jpg`,
      "--output-dir",
      out,
      "--json",
    ]);
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["1-car-picture.jpg", "2-dogs-picture.jpg"]);
    const results = JSON.parse(stdout);
    expect(results[1].picture).toEqual({ type: "file", value: join(out, "2-dogs-picture.jpg") });
  });

  it("keeps the other images when one does not load, and exits 1", async () => {
    const { code, stdout } = await cli([
      "run",
      join(folder, "workflow.json"),
      "--input",
      "image=/no/such/image.jpg",
      "--input",
      `image=${SHARED_IMAGES}car.jpg`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "== 1/2 /no/such/image.jpg\nanswer: error: image /no/such/image.jpg: does not exist",
    );
    expect(stdout).toContain(`== 2/2 ${SHARED_IMAGES}car.jpg\nanswer: answer: What is this?`);
  });

  it("rejects a bad definition with one line naming the step, the path and the fix, exit 2", async () => {
    const bad = { ...WORKFLOW, steps: [{ ...WORKFLOW.steps[0], max_tokens: 1 }] };
    const { code, stdout, stderr } = await cli([
      "run",
      await workflowFile("bad.json", bad),
      "--input",
      "image=x.jpg",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      `qwen-vlm: invalid workflow ${join(folder, "bad.json")}: step "qwen" at $.steps[0].max_tokens: must be > 1, got 1`,
    ]);
  });

  it("lists every problem of a definition, the first line summing up", async () => {
    const bad = {
      ...WORKFLOW,
      steps: [{ ...WORKFLOW.steps[0], task_type: "detection", images: "$inputs.photo" }],
    };
    const { code, stderr } = await cli(["run", await workflowFile("worse.json", bad)]);
    expect(code).toBe(2);
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toMatch(
      /^qwen-vlm: invalid workflow .*worse\.json: step "qwen" at \$\.steps\[0\]\.images: .*\(and 1 more problem\)$/,
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}- step "qwen" at \$\.steps\[0\]\.images: "\$inputs\.photo" names no declared input/,
      ),
      expect.stringMatching(/^ {2}- step "qwen" at \$\.steps\[0\]\.task_type: "detection" is not one of/),
    ]);
  });

  it("says when the file is not JSON", async () => {
    const { code, stderr } = await cli(["run", await workflowFile("broken.json", "{ not json")]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^qwen-vlm: invalid workflow .*broken\.json: at \$: is not valid JSON/);
  });

  it("names the inputs a workflow has when --input names another", async () => {
    const { code, stderr } = await cli(["run", join(folder, "workflow.json"), "--input", "photo=a.jpg"]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'qwen-vlm: --input photo: is not an input of this workflow. Valid values: "image", "question", "settings".',
    );
  });
});
