/** The real Qwen block in a workflow, through the OpenRouter backend, against a scripted local server. */
import { afterEach, describe, expect, it } from "vitest";
import { runWorkflow } from "../../src/api/run-workflow.js";
import { SHARED_IMAGES, solidJpeg } from "../support/images.js";
import {
  completion,
  type RecordedRequest,
  type ScriptedServer,
  startScriptedServer,
} from "../support/scripted-server.js";

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DEFINITION = {
  version: "1.0",
  inputs: [
    { type: "WorkflowImage", name: "image" },
    { type: "WorkflowBatchInput", name: "question", kind: ["string"] },
    { type: "WorkflowParameter", name: "model", default_value: "Qwen 3.6 Flash" },
  ],
  steps: [
    {
      type: "roboflow_core/qwen_vlm@v1",
      name: "qwen",
      images: "$inputs.image",
      backend: "openrouter",
      openrouter_model_version: "$inputs.model",
      task_type: "visual-question-answering",
      prompt: "$inputs.question",
    },
  ],
  outputs: [
    { type: "JsonField", name: "answer", selector: "$steps.qwen.output" },
    { type: "JsonField", name: "everything", selector: "$steps.qwen.*" },
  ],
};

/** The user's text of a chat request (the image comes first, then the text). */
function userText(request: RecordedRequest): string {
  return String(request.body?.messages?.[1]?.content?.[1]?.text ?? "");
}

async function serve(): Promise<{ env: Record<string, string> }> {
  // Answers echo the question, so results can be matched to images; "broke" gets a 402 (no credits).
  server = await startScriptedServer((request) =>
    userText(request).includes("broke")
      ? { status: 402, json: { error: { code: 402, message: "Insufficient credits" } } }
      : { json: completion(`answer to: ${userText(request).split("\n").pop()}`) },
  );
  return { env: { OPENROUTER_BASE_URL: server.url, OPENROUTER_API_KEY: KEY } };
}

describe("the Qwen block in a workflow", () => {
  it("answers per image in input order, with the model chosen by a parameter", async () => {
    const runtime = await serve();
    const questions = ["How many dogs?", "What colour?", "Is it day?"];
    const images = [`${SHARED_IMAGES}dogs.jpg`, await solidJpeg(40, 30), `${SHARED_IMAGES}car.jpg`];
    const results = await runWorkflow(DEFINITION, { image: images, question: questions }, runtime);
    expect(results).toHaveLength(3);
    results.forEach((result, index) => {
      expect(result.answer).toContain(questions[index]);
      expect(result.everything).toEqual({ output: result.answer, classes: null, thinking: "" });
      expect(result.errors).toBeUndefined();
    });
    expect(server?.requests).toHaveLength(3);
    expect(server?.requests.every((request) => request.body.model === "qwen/qwen3.6-flash")).toBe(true);
  });

  it("keeps the other images' answers when one call fails and one image does not load", async () => {
    const runtime = await serve();
    const results = await runWorkflow(
      DEFINITION,
      {
        image: [await solidJpeg(8, 8), await solidJpeg(8, 8), "/nowhere/photo.jpg"],
        question: ["fine?", "broke?", "lost?"],
      },
      runtime,
    );
    expect(results[0]?.answer).toContain("fine?");
    expect(results[1]).toMatchObject({ answer: null, everything: null });
    expect(results[1]?.errors?.[0]).toMatchObject({ output: "answer", step: "qwen", code: "api_call" });
    expect(results[1]?.errors?.[0]?.message).toMatch(
      /^step "qwen" \(roboflow_core\/qwen_vlm@v1\) failed: .*(402|credits)/i,
    );
    expect(results[2]?.errors?.[0]).toMatchObject({ input: "image", code: "image" });
    expect(server?.requests).toHaveLength(2);
  });

  it("checks selector values with the block's own rules at run time", async () => {
    const runtime = await serve();
    const results = await runWorkflow(
      DEFINITION,
      { image: await solidJpeg(8, 8), question: ["ok?"], model: "Qwen 3.5 VL 2B" },
      runtime,
    );
    expect(results[0]?.answer).toBeNull();
    expect(results[0]?.errors?.[0]?.message).toContain(
      'step "qwen" (roboflow_core/qwen_vlm@v1) failed: openrouter_model_version (from $inputs.model): "Qwen 3.5 VL 2B" is a native model',
    );
    expect(server?.requests).toHaveLength(0);
  });
});
