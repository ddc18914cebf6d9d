/**
 * The model store against a real local HTTP server that plays the Hugging Face hub for a tiny export: the
 * download (with progress, precision fallback and a manifest), the cache that makes the next load offline,
 * offline mode's errors naming the missing file, and damaged folders.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runQwenVlm } from "../../src/api/run-qwen-vlm.js";
import { readMatMulNBitsAccuracyLevels } from "../../src/backends/native/accuracy-level.js";
import {
  type DownloadProgress,
  prepareModel,
  storeSettingsFromEnv,
} from "../../src/backends/native/model-store.js";
import { loadQwenModel } from "../../src/backends/native/onnx-runtime.js";
import { resolveNativeModel } from "../../src/backends/native/registry.js";
import { ModelLoadError } from "../../src/errors.js";
import { SHARED_IMAGES } from "../support/images.js";
import { tinyQ4Model } from "../support/q4-graph.js";
import { type ScriptedServer, startScriptedServer } from "../support/scripted-server.js";
import { tinyModelDir } from "../support/tiny-models.js";

const REPO = "test-org/tiny-qwen3_5";
let source: string;
let server: ScriptedServer | undefined;
const temporary: string[] = [];

beforeAll(async () => {
  source = await tinyModelDir("qwen3_5");
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(temporary.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "qwen-vlm-store-"));
  temporary.push(folder);
  return folder;
}

/** A hub that serves the tiny export's files under /<repo>/resolve/main/, 404 for anything else. */
async function serveHub(
  status: (file: string) => number = () => 200,
  from: () => string = () => source,
): Promise<ScriptedServer> {
  server = await startScriptedServer(async (request) => {
    const prefix = `/${REPO}/resolve/main/`;
    const file = decodeURIComponent(request.path.startsWith(prefix) ? request.path.slice(prefix.length) : "");
    const code = status(file);
    if (code !== 200) return { status: code, json: { error: "refused" } };
    try {
      const bytes = await readFile(path.join(from(), file));
      return { bytes, headers: { "content-length": String(bytes.length) } };
    } catch {
      return { status: 404, json: { error: "Entry not found" } };
    }
  });
  return server;
}

const noNetwork: typeof fetch = async (input) => {
  throw new Error(`no network expected, but fetched ${String(input)}`);
};

describe("int8 matmuls in downloaded graphs", () => {
  /** The tiny export with its q4 decoder graph swapped for one made of MatMulNBits nodes, as real q4 exports are. */
  async function q4Export(): Promise<string> {
    const folder = await tempFolder();
    await cp(source, folder, { recursive: true });
    await writeFile(path.join(folder, "onnx", "decoder_model_merged_q4.onnx"), tinyQ4Model());
    return folder;
  }

  it("writes accuracy_level 4 into downloaded MatMulNBits graphs once, and records it", async () => {
    const exported = await q4Export();
    const hub = await serveHub(undefined, () => exported);
    const env = { QWEN_VLM_MODEL_DIR: await tempFolder(), QWEN_VLM_HUB_URL: hub.url };
    const prepared = await prepareModel(resolveNativeModel(REPO, { env }), storeSettingsFromEnv(env));
    const decoder = path.join(prepared.folder, "onnx", "decoder_model_merged_q4.onnx");
    expect(readMatMulNBitsAccuracyLevels(new Uint8Array(await readFile(decoder)))).toEqual([4, 4]);
    const manifest = JSON.parse(
      await readFile(path.join(prepared.folder, ".qwen-vlm-manifest.json"), "utf8"),
    );
    expect(manifest.accuracyLevel).toBe(4);
  });

  it("patches a model cached before this step, offline; QWEN_VLM_MATMUL_ACCURACY_LEVEL=off leaves files alone", async () => {
    const exported = await q4Export();
    const hub = await serveHub(undefined, () => exported);
    const env = { QWEN_VLM_MODEL_DIR: await tempFolder(), QWEN_VLM_HUB_URL: hub.url };
    const resolved = resolveNativeModel(REPO, { env });
    const untouched = await prepareModel(
      resolved,
      storeSettingsFromEnv({ ...env, QWEN_VLM_MATMUL_ACCURACY_LEVEL: "off" }),
    );
    const decoder = path.join(untouched.folder, "onnx", "decoder_model_merged_q4.onnx");
    expect(readMatMulNBitsAccuracyLevels(new Uint8Array(await readFile(decoder)))).toEqual([undefined, 0]);
    await prepareModel(
      resolved,
      storeSettingsFromEnv({ ...env, QWEN_VLM_OFFLINE: "1" }, { fetch: noNetwork }),
    );
    expect(readMatMulNBitsAccuracyLevels(new Uint8Array(await readFile(decoder)))).toEqual([4, 4]);
    expect(() => storeSettingsFromEnv({ QWEN_VLM_MATMUL_ACCURACY_LEVEL: "7" })).toThrow(/0 to 4 or "off"/);
  });
});

describe("downloading from the hub", () => {
  it("downloads the export once, reports progress per file, picks the precisions it has, and caches them", async () => {
    const hub = await serveHub();
    const modelDir = await tempFolder();
    const progress: DownloadProgress[] = [];
    const env = { QWEN_VLM_MODEL_DIR: modelDir, QWEN_VLM_HUB_URL: hub.url };
    const resolved = resolveNativeModel(REPO, { env });
    const prepared = await prepareModel(
      resolved,
      storeSettingsFromEnv(env, { onProgress: (p) => progress.push(p) }),
    );

    expect(prepared.folder).toBe(path.join(modelDir, "test-org", "tiny-qwen3_5"));
    expect(prepared.family).toBe("qwen3_5");
    // The export has no vision_encoder_quantized.onnx (q8): the plan falls back to q4.
    expect(prepared.dtypes).toEqual({ embed_tokens: "q4", vision_encoder: "q4", decoder_model_merged: "q4" });
    expect(hub.requests.map((request) => request.path)).toContain(
      `/${REPO}/resolve/main/onnx/vision_encoder_quantized.onnx`,
    );
    const onnx = await readdir(path.join(prepared.folder, "onnx"));
    expect(onnx.sort()).toEqual([
      "decoder_model_merged_q4.onnx",
      "decoder_model_merged_q4.onnx_data",
      "embed_tokens_q4.onnx",
      "vision_encoder_q4.onnx",
    ]);
    const data = progress.filter((p) => p.file === "onnx/decoder_model_merged_q4.onnx_data");
    expect(data[0]?.loadedBytes).toBe(0);
    expect(data.at(-1)?.loadedBytes).toBe(data.at(-1)?.totalBytes);
    expect(data.every((p) => p.repo === REPO)).toBe(true);

    // Second load: everything is cached, so not a single request.
    const requests = hub.requests.length;
    const again = await prepareModel(resolved, storeSettingsFromEnv(env, { fetch: noNetwork }));
    expect(again.dtypes).toEqual(prepared.dtypes);
    expect(hub.requests).toHaveLength(requests);
  });

  it("runs a label whose repo is overridden, downloading it on first use and then working offline", async () => {
    const hub = await serveHub();
    const env = {
      QWEN_VLM_MODEL_DIR: await tempFolder(),
      QWEN_VLM_HUB_URL: hub.url,
      QWEN_VLM_MODEL_REPO_QWEN_3_5_VL_2B: REPO,
    };
    const options = {
      backend: "native",
      model_version: "Qwen 3.5 VL 2B",
      task_type: "caption",
      max_tokens: 3,
    } as const;
    const [first] = await runQwenVlm([`${SHARED_IMAGES}dogs.jpg`], options, { env });
    expect(first?.error).toBeUndefined();
    const [second] = await runQwenVlm([`${SHARED_IMAGES}dogs.jpg`], options, {
      env: { ...env, QWEN_VLM_OFFLINE: "1" },
      fetch: noNetwork,
    });
    expect(second?.output).toBe(first?.output);
  });

  it("says the repo is gated and what to set when the hub answers 401, and sends HF_TOKEN", async () => {
    const hub = await serveHub(() => 401);
    const env = {
      QWEN_VLM_MODEL_DIR: await tempFolder(),
      QWEN_VLM_HUB_URL: hub.url,
      HF_TOKEN: "hf_test_token",
    };
    const attempt = prepareModel(resolveNativeModel(REPO, { env }), storeSettingsFromEnv(env));
    await expect(attempt).rejects.toThrow(/config\.json.*HTTP 401.*HF_TOKEN/);
    expect(hub.requests[0]?.headers.authorization).toBe("Bearer hf_test_token");
  });

  it("names the repo and file when an export lacks a required file", async () => {
    const hub = await serveHub((file) => (file === "tokenizer.json" ? 404 : 200));
    const env = { QWEN_VLM_MODEL_DIR: await tempFolder(), QWEN_VLM_HUB_URL: hub.url };
    await expect(prepareModel(resolveNativeModel(REPO, { env }), storeSettingsFromEnv(env))).rejects.toThrow(
      `${REPO} has no tokenizer.json`,
    );
  });
});

describe("offline mode", () => {
  it("refuses to download and says how to get the model", async () => {
    const env = { QWEN_VLM_MODEL_DIR: await tempFolder(), QWEN_VLM_OFFLINE: "1" };
    const [result] = await runQwenVlm(
      [`${SHARED_IMAGES}dogs.jpg`],
      { backend: "native", model_version: "Qwen 3 VL 2B", task_type: "caption" },
      { env, fetch: noNetwork },
    );
    expect(result?.error?.code).toBe("model_load");
    expect(result?.error?.message).toMatch(
      /Qwen3-VL-2B-Instruct-ONNX does not exist.*qwen-vlm models pull "Qwen 3 VL 2B"/,
    );
  });

  it("names the exact file that is missing from a cached model", async () => {
    const hub = await serveHub();
    const env = { QWEN_VLM_MODEL_DIR: await tempFolder(), QWEN_VLM_HUB_URL: hub.url };
    const resolved = resolveNativeModel(REPO, { env });
    const { folder } = await prepareModel(resolved, storeSettingsFromEnv(env));
    await rm(path.join(folder, "onnx", "decoder_model_merged_q4.onnx_data"));
    const offline = storeSettingsFromEnv({ ...env, QWEN_VLM_OFFLINE: "1" }, { fetch: noNetwork });
    const attempt = prepareModel(resolved, offline);
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(attempt).rejects.toThrow(
      `${folder} is missing onnx/decoder_model_merged_q4.onnx_data; QWEN_VLM_OFFLINE is set, so nothing is downloaded: run \`qwen-vlm models pull "${REPO}"\``,
    );
  });
});

describe("damaged model folders", () => {
  async function copyOfTiny(): Promise<string> {
    const folder = path.join(await tempFolder(), "model");
    await cp(source, folder, { recursive: true });
    return folder;
  }
  const load = async (folder: string) =>
    loadQwenModel(
      await prepareModel(
        resolveNativeModel(folder, { env: {} }),
        storeSettingsFromEnv({ QWEN_VLM_OFFLINE: "1" }),
      ),
    );

  it("a garbage .onnx file: a ModelLoadError naming the folder and the file", async () => {
    const folder = await copyOfTiny();
    await writeFile(path.join(folder, "onnx", "vision_encoder_q4.onnx"), "this is not a protobuf");
    const attempt = load(folder);
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(attempt).rejects.toThrow(new RegExp(`${folder}.*vision_encoder_q4\\.onnx`));
  });

  it("no config.json: a ModelLoadError naming the folder and the file", async () => {
    const folder = await copyOfTiny();
    await rm(path.join(folder, "config.json"));
    await expect(load(folder)).rejects.toThrow(`${folder} has no config.json`);
  });

  it("a config.json that is not JSON, or not a Qwen-VL model", async () => {
    const folder = await copyOfTiny();
    await writeFile(path.join(folder, "config.json"), "{ not json");
    await expect(load(folder)).rejects.toThrow(`${path.join(folder, "config.json")} is not valid JSON`);
    await writeFile(path.join(folder, "config.json"), JSON.stringify({ model_type: "llama" }));
    await expect(load(folder)).rejects.toThrow(/model_type "llama"; the native runtime runs qwen2_5_vl/);
  });

  it("no ONNX file for a part: names the files it looked for", async () => {
    const folder = await copyOfTiny();
    await rm(path.join(folder, "onnx", "embed_tokens_q4.onnx"));
    await rm(path.join(folder, "onnx", "embed_tokens.onnx"));
    await expect(load(folder)).rejects.toThrow(
      `${folder} is missing onnx/embed_tokens_q4.onnx or onnx/embed_tokens_quantized.onnx or onnx/embed_tokens.onnx`,
    );
  });
});
