/**
 * `qwen-vlm models list` (native labels, their repos, sizes, whether and where they are cached) and
 * `qwen-vlm models pull <label>` (download with a progress line). Registering the command also makes every
 * model download in this process (a first `infer` on the native backend) draw its progress on stderr.
 */
import type { Command } from "commander";
import { setDefaultDownloadProgress } from "../backends/native/in-process-backend.js";
import {
  cacheStatus,
  type DownloadProgress,
  prepareModel,
  storeSettingsFromEnv,
} from "../backends/native/model-store.js";
import {
  NATIVE_MODEL_REGISTRY,
  repoOverrideEnvName,
  resolveNativeModel,
} from "../backends/native/registry.js";
import { errorMessage } from "../errors.js";
import { createProgress, type Progress } from "./progress.js";

/** Adds `models list` and `models pull` to the program. */
export function addModelsCommand(program: Command): void {
  setDefaultDownloadProgress(stderrDownloadProgress());
  const models = program.command("models").description("List and download the native backend's models");
  models
    .command("list")
    .description("Native model labels, their Hugging Face repos, download sizes, and which are cached where")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => {
      const rows = await listModels(process.env);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        const state = row.cached
          ? `cached in ${row.folder}`
          : row.repo
            ? `not downloaded (${row.folder})`
            : row.note;
        process.stdout.write(`${row.label}\n  repo: ${row.repo ?? "none"}  size: ${row.size}  ${state}\n`);
      }
      process.stdout.write(
        `\nOverride a repo with QWEN_VLM_MODEL_REPO_<LABEL>=<repo or folder>, e.g. ${repoOverrideEnvName("Qwen 3.5 VL 2B")}.\n`,
      );
    });
  models
    .command("pull")
    .description(
      "Download a native model (a label, or the hub repo id of a fine-tuned export) into the cache",
    )
    .argument("<model>", 'a native label such as "Qwen 3.5 VL 2B", or owner/name')
    .action(async (model: string) => {
      const env = process.env;
      const resolved = resolveNativeModel(model, { env });
      const prepared = await prepareModel(
        resolved,
        storeSettingsFromEnv(env, { offline: false, onProgress: stderrDownloadProgress() }),
      );
      const dtypes = Object.entries(prepared.dtypes)
        .map(([session, dtype]) => `${session} ${dtype}`)
        .join(", ");
      process.stdout.write(`${model}: ready in ${prepared.folder} (${prepared.family}; ${dtypes})\n`);
    });
}

/** One row of `models list`. */
export interface ModelListRow {
  readonly label: string;
  readonly repo: string | null;
  readonly size: string;
  readonly cached: boolean;
  readonly folder: string | null;
  readonly note?: string;
}

/** The registry with each model's cache status, without fetching anything. */
export async function listModels(env: Readonly<Record<string, string | undefined>>): Promise<ModelListRow[]> {
  const store = storeSettingsFromEnv(env, { offline: true });
  return Promise.all(
    NATIVE_MODEL_REGISTRY.map(async (entry) => {
      const size = entry.approxBytes ? `~${(entry.approxBytes / 1e9).toFixed(2)} GB` : "unknown";
      try {
        const resolved = resolveNativeModel(entry.label, { env });
        const repo = resolved.location.kind === "hub" ? resolved.location.repo : resolved.location.folder;
        const status = await cacheStatus(resolved, store);
        return { label: entry.label, repo, size, cached: status.cached, folder: status.folder };
      } catch (error) {
        return {
          label: entry.label,
          repo: null,
          size,
          cached: false,
          folder: null,
          note: errorMessage(error),
        };
      }
    }),
  );
}

/** Draws one progress line per downloaded file on stderr (files under 1 MB are not worth a line). */
function stderrDownloadProgress(): (progress: DownloadProgress) => void {
  let current: { file: string; progress: Progress; lastMB: number } | undefined;
  return ({ repo, file, loadedBytes, totalBytes }) => {
    if (totalBytes !== undefined && totalBytes < 1_000_000) return;
    if (current?.file !== file) {
      current?.progress.finish();
      const total = Math.max(1, Math.round((totalBytes ?? 0) / 1e6));
      current = { file, progress: createProgress(`MB of ${repo}/${file}`, total), lastMB: -1 };
    }
    // Progress arrives per network chunk: redraw only when the megabyte count moves.
    const loadedMB = Math.round(loadedBytes / 1e6);
    const done = totalBytes !== undefined && loadedBytes >= totalBytes;
    if (loadedMB === current.lastMB && !done) return;
    current.lastMB = loadedMB;
    current.progress.update(loadedMB, Math.max(1, Math.round((totalBytes ?? loadedBytes) / 1e6)));
    if (done) {
      current.progress.finish();
      current = undefined;
    }
  };
}
