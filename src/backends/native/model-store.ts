/**
 * The model store: hub exports are downloaded once into a cache folder (`QWEN_VLM_MODEL_DIR`, default
 * ~/.cache/qwen-vlm/models/<owner>/<name>), with progress, through a `fetch` the caller can replace; local folders
 * are used in place. Offline (`QWEN_VLM_OFFLINE=1`) nothing is fetched and a missing file is named together with
 * the command that gets it. A finished download writes a manifest (the dtypes chosen), so later loads need no
 * network at all. Downloaded graphs get their 4-bit matmuls switched to int8 activations (accuracy-level.ts),
 * once, and the manifest records it; folders the user points at are used as they are.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { InvalidArgumentError, ModelLoadError } from "../../errors.js";
import { applyAccuracyLevelToFile, INT8_ACCURACY_LEVEL } from "./accuracy-level.js";
import { downloadFile, type FileProgress } from "./file-download.js";
import {
  localDtypes,
  type ModelConfig,
  missingRequiredFile,
  OPTIONAL_FILES,
  REQUIRED_FILES,
  readModelConfig,
  sessionFiles,
} from "./model-files.js";
import type { OnnxDtype, QwenFamily, ResolvedModel, SessionName } from "./registry.js";

/** Default hub; `QWEN_VLM_HUB_URL` (or `HF_ENDPOINT`, as the Hugging Face tools read it) points elsewhere (a mirror). */
export const DEFAULT_HUB_URL = "https://huggingface.co";
const MANIFEST = ".qwen-vlm-manifest.json";

/** Where models live and how they are fetched. */
export interface ModelStoreSettings {
  /** Cache folder for hub downloads. */
  readonly modelDir: string;
  /** Load only local files; never fetch. */
  readonly offline: boolean;
  readonly hubURL: string;
  /** Sent as a Bearer token to the hub (gated or private repos). */
  readonly token?: string;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  /** Progress of each file being downloaded, in bytes. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /**
   * `accuracy_level` written into downloaded MatMulNBits graphs (4: int8 activations, ~1.6× faster decoding on
   * a CPU); `null` leaves the files as published. `QWEN_VLM_MATMUL_ACCURACY_LEVEL` (0–4, or "off").
   */
  readonly accuracyLevel: number | null;
}

/** A progress report: which model, which file, how many bytes of it. */
export interface DownloadProgress extends FileProgress {
  /** The hub repo being downloaded. */
  readonly repo: string;
}

/** A model whose files are all on this machine. */
export interface PreparedModel {
  readonly folder: string;
  readonly family: QwenFamily;
  readonly dtypes: Readonly<Record<SessionName, OnnxDtype>>;
  readonly config: ModelConfig;
}

/** The store settings from the environment: QWEN_VLM_MODEL_DIR, QWEN_VLM_OFFLINE, QWEN_VLM_HUB_URL, HF_TOKEN. */
export function storeSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  extra: Partial<ModelStoreSettings> = {},
): ModelStoreSettings {
  const offline = env.QWEN_VLM_OFFLINE ?? env.HF_HUB_OFFLINE ?? "";
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return {
    modelDir: path.resolve(env.QWEN_VLM_MODEL_DIR || path.join(homedir(), ".cache", "qwen-vlm", "models")),
    offline: ["1", "true", "yes", "on"].includes(offline.trim().toLowerCase()),
    accuracyLevel: accuracyLevelFromEnv(env.QWEN_VLM_MATMUL_ACCURACY_LEVEL),
    hubURL: (env.QWEN_VLM_HUB_URL || env.HF_ENDPOINT || DEFAULT_HUB_URL).replace(/\/+$/, ""),
    ...(token ? { token } : {}),
    ...extra,
  };
}

function accuracyLevelFromEnv(raw: string | undefined): number | null {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "") return INT8_ACCURACY_LEVEL;
  if (value === "off" || value === "none") return null;
  const level = Number(value);
  if (!Number.isInteger(level) || level < 0 || level > 4) {
    throw new InvalidArgumentError(
      "QWEN_VLM_MATMUL_ACCURACY_LEVEL",
      `must be an integer from 0 to 4 or "off", got "${raw}"`,
    );
  }
  return level;
}

/** The cache folder of a hub repo at a revision. */
export function cacheFolder(modelDir: string, repo: string, revision = "main"): string {
  const [owner = "", name = ""] = repo.split("/");
  return path.join(modelDir, owner, revision === "main" ? name : `${name}@${revision}`);
}

/** The folder a resolved model's files are (or will be) in. */
export function modelFolder(model: ResolvedModel, settings: Pick<ModelStoreSettings, "modelDir">): string {
  const { location } = model;
  return location.kind === "folder"
    ? location.folder
    : cacheFolder(settings.modelDir, location.repo, location.revision);
}

/** The command that downloads a model, for messages. */
export function pullCommand(model: ResolvedModel): string {
  return `qwen-vlm models pull ${JSON.stringify(model.label ?? model.requested)}`;
}

const inflight = new Map<string, Promise<PreparedModel>>();

/** Makes sure every file of `model` is on this machine (downloading what is missing) and says which dtypes. */
export function prepareModel(model: ResolvedModel, settings: ModelStoreSettings): Promise<PreparedModel> {
  const folder = modelFolder(model, settings);
  // One download per folder at a time in this process; a second caller waits for the first.
  const key = `${folder}\0${JSON.stringify(model.dtypes)}\0${settings.offline}`;
  let pending = inflight.get(key);
  if (!pending) {
    pending = prepare(model, folder, settings).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

async function prepare(
  model: ResolvedModel,
  folder: string,
  settings: ModelStoreSettings,
): Promise<PreparedModel> {
  const { location } = model;
  if (location.kind === "folder") {
    const hint = "; point it at a folder with an ONNX export in the transformers.js layout";
    return localModel(model, folder, hint);
  }
  const ready = await fromManifest(model, folder, settings.accuracyLevel);
  if (ready) return ready;
  if (settings.offline) {
    const hint = `; QWEN_VLM_OFFLINE is set, so nothing is downloaded: run \`${pullCommand(model)}\` while online, or unset QWEN_VLM_OFFLINE`;
    return localModel(model, folder, hint);
  }
  return download(model, location.repo, location.revision, folder, settings);
}

async function localModel(model: ResolvedModel, folder: string, hint: string): Promise<PreparedModel> {
  if (!existsSync(folder)) throw new ModelLoadError(`model folder ${folder} does not exist${hint}`);
  const config = await readModelConfig(folder, hint);
  const missing = missingRequiredFile(folder);
  if (missing) throw new ModelLoadError(`${folder} is missing ${missing}${hint}`);
  return { folder, family: config.family, dtypes: localDtypes(folder, config, model.dtypes, hint), config };
}

async function download(
  model: ResolvedModel,
  repo: string,
  revision: string,
  folder: string,
  settings: ModelStoreSettings,
): Promise<PreparedModel> {
  const base = `${settings.hubURL}/${repo}/resolve/${encodeURIComponent(revision)}`;
  const fetchOne = async (file: string): Promise<boolean> => {
    if (existsSync(path.join(folder, file))) return true;
    const outcome = await downloadFile(`${base}/${file}`, path.join(folder, file), {
      file,
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      ...(settings.token ? { headers: { authorization: `Bearer ${settings.token}` } } : {}),
      ...(settings.signal ? { signal: settings.signal } : {}),
      onProgress: (progress) => settings.onProgress?.({ ...progress, repo }),
    });
    return outcome === "downloaded";
  };
  for (const file of REQUIRED_FILES) {
    if (!(await fetchOne(file))) {
      throw new ModelLoadError(
        `${repo} has no ${file} (HTTP 404 from ${base}/${file}): it is not a model export in the transformers.js layout`,
      );
    }
  }
  const absent: string[] = [];
  for (const file of OPTIONAL_FILES) if (!(await fetchOne(file))) absent.push(file);
  const config = await readModelConfig(folder, "");
  const dtypes = {} as Record<SessionName, OnnxDtype>;
  for (const session of Object.keys(model.dtypes) as SessionName[]) {
    dtypes[session] = await downloadSession(model, session, config, fetchOne, repo);
  }
  await setAccuracyLevel(folder, config, dtypes, settings.accuracyLevel);
  await writeManifest(folder, {
    repo,
    revision,
    dtypes,
    absent,
    accuracyLevel: settings.accuracyLevel,
    downloadedAt: new Date().toISOString(),
  });
  return { folder, family: config.family, dtypes, config };
}

/** Writes `level` into every MatMulNBits node of the chosen sessions' graphs (external weights untouched). */
async function setAccuracyLevel(
  folder: string,
  config: ModelConfig,
  dtypes: Readonly<Record<SessionName, OnnxDtype>>,
  level: number | null,
): Promise<void> {
  if (level === null) return;
  for (const [session, dtype] of Object.entries(dtypes) as Array<[SessionName, OnnxDtype]>) {
    const [onnxFile] = sessionFiles(config, session, dtype);
    if (onnxFile) await applyAccuracyLevelToFile(path.join(folder, onnxFile), level);
  }
}

async function writeManifest(folder: string, manifest: Manifest & Record<string, unknown>): Promise<void> {
  await writeFile(path.join(folder, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The first dtype of the plan the repo has; its .onnx and external-data files downloaded. */
async function downloadSession(
  model: ResolvedModel,
  session: SessionName,
  config: ModelConfig,
  fetchOne: (file: string) => Promise<boolean>,
  repo: string,
): Promise<OnnxDtype> {
  for (const dtype of model.dtypes[session]) {
    const [onnxFile = "", ...dataFiles] = sessionFiles(config, session, dtype);
    if (!(await fetchOne(onnxFile))) continue; // this export has no such precision: try the next
    for (const dataFile of dataFiles) {
      if (!(await fetchOne(dataFile))) {
        throw new ModelLoadError(
          `${repo} has ${onnxFile} but not ${dataFile}, which config.json says holds its weights; the export is incomplete`,
        );
      }
    }
    return dtype;
  }
  const tried = model.dtypes[session].map((dtype) => sessionFiles(config, session, dtype)[0]).join(", ");
  throw new ModelLoadError(
    `${repo} has none of ${tried}; set QWEN_VLM_MODEL_DTYPE (e.g. "${session}=fp32") to a precision the repo has`,
  );
}

interface Manifest {
  readonly repo: string;
  readonly dtypes: Record<SessionName, OnnxDtype>;
  /** The accuracy_level written into the graphs; absent in caches made before that step existed. */
  readonly accuracyLevel?: number | null;
}

async function readManifest(folder: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(folder, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined; // no finished download yet (or a damaged manifest): download again
  }
}

/** The model as a finished download left it, if the manifest's dtypes suit the plan and every file is there. */
async function fromManifest(
  model: ResolvedModel,
  folder: string,
  accuracyLevel: number | null,
): Promise<PreparedModel | undefined> {
  const manifest = await readManifest(folder);
  if (!manifest || missingRequiredFile(folder)) return undefined;
  const sessions = Object.keys(model.dtypes) as SessionName[];
  if (!sessions.every((session) => model.dtypes[session].includes(manifest.dtypes?.[session])))
    return undefined;
  const config = await readModelConfig(folder, "").catch(() => undefined);
  if (!config) return undefined;
  const complete = sessions.every((session) =>
    sessionFiles(config, session, manifest.dtypes[session]).every((file) =>
      existsSync(path.join(folder, file)),
    ),
  );
  if (!complete) return undefined;
  if (accuracyLevel !== null && (manifest.accuracyLevel ?? 0) !== accuracyLevel) {
    // A cache from before this step, or made with another level: patch it once, here, offline.
    await setAccuracyLevel(folder, config, manifest.dtypes, accuracyLevel);
    await writeManifest(folder, { ...manifest, accuracyLevel });
  }
  return { folder, family: config.family, dtypes: manifest.dtypes, config };
}

/** What `models list` shows for one model: where its files are and whether they are all there. */
export interface CacheStatus {
  readonly folder: string;
  readonly cached: boolean;
  readonly dtypes?: Readonly<Record<SessionName, OnnxDtype>>;
}

/** Whether a model's files are all on this machine, without fetching anything. */
export async function cacheStatus(model: ResolvedModel, settings: ModelStoreSettings): Promise<CacheStatus> {
  const folder = modelFolder(model, settings);
  try {
    const prepared = await prepareModel(model, { ...settings, offline: true });
    return { folder, cached: true, dtypes: prepared.dtypes };
  } catch {
    return { folder, cached: false };
  }
}
