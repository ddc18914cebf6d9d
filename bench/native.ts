/**
 * Native backend benchmark (prints figures; not a test). On full-size random-weight stand-ins of Qwen3.5-2B
 * (the default "Qwen 3.5 VL 2B") and Qwen3-VL-2B (tools/stand-ins, generated outside the repository when
 * missing), for one 448×448 image: load time, peak RSS, time to first token (vision encoder + prefill), and
 * decode tokens/s —
 *   raw:  bare onnxruntime-node sessions on the same files (tools/stand-ins/raw-generate.ts);
 *   ours: the native runtime (src/backends/native/run-once.ts loadModelFolder → model.generate);
 * each with the files as downloaded (MatMulNBits without accuracy_level) and with accuracy_level 4 written
 * into the graphs by src/backends/native/accuracy-level.ts. Every measurement runs in a child process of its
 * own, so load time and peak RSS are its alone, and reports the median of `--repeats` generations after a
 * warm-up one. Other work on this shared 2-core machine moves those figures by ±20 %, so comparisons are also
 * made in one process, in turns, where it slows both sides alike: raw against ours at level 4 (our overhead),
 * and the decoder alone as downloaded, with the session option `session.qdq_matmulnbits_accuracy_level`, and
 * at level 4. Last, the vision encoder alone in float32, q8 and q4.
 * Run: npx tsx bench/native.ts [--families qwen3_5,qwen3_vl] [--tokens 32] [--repeats 3]
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AutoProcessor, type RawImage, type Tensor } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import {
  FILES,
  oursRunner,
  type Runner,
  rawRunner,
  testImage,
  VISION_FILES,
} from "../tools/stand-ins/bench-runners.js";
import { STAND_IN_ROOT, type StandInFamily, standInDir, standInSpec } from "../tools/stand-ins/generate.js";
import {
  accuracyLevelCopy,
  compareDecoderSteps,
  timeSession,
  warmPageCache,
} from "../tools/stand-ins/session-timings.js";

// The one session option that names an accuracy level; it only reaches MatMulNBits nodes that onnxruntime
// makes itself from DequantizeLinear + MatMul, so it should change nothing here (measured: it does not).
const SESSION_OPTION = { extra: { session: { qdq_matmulnbits_accuracy_level: "4" } } };

type Accuracy = "as downloaded" | "level 4";
interface Job {
  kind: "raw" | "ours" | "turns" | "sessions";
  family: StandInFamily;
  /** The files to run; `downloaded` is the stand-in as generated (no accuracy_level). */
  folder: string;
  downloaded: string;
  accuracy: Accuracy;
  tokens: number;
  repeats: number;
}
interface Figures {
  loadMs: number;
  firstTokenMs: number;
  decodeTokensPerSecond: number;
  peakRssMiB: number;
  promptTokens: number;
  detail: string;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const percent = (value: number) => `${value >= 0 ? "+" : ""}${(100 * value).toFixed(1)} %`;
const EMPTY: Figures = {
  loadMs: 0,
  firstTokenMs: 0,
  decodeTokensPerSecond: 0,
  peakRssMiB: 0,
  promptTokens: 0,
  detail: "",
};

/** One path alone in this process: load time, peak RSS, and the median of the repeats after a warm-up. */
async function measurePath(job: Job): Promise<Figures> {
  const runner = await (job.kind === "raw" ? rawRunner : oursRunner)(job.folder);
  await runner.generate(2);
  const runs = [];
  for (let run = 0; run < job.repeats; run++) runs.push(await runner.generate(job.tokens));
  await runner.close();
  return {
    loadMs: runner.loadMs,
    firstTokenMs: median(runs.map((run) => run.firstTokenMs)),
    decodeTokensPerSecond: median(runs.map((run) => run.tokensPerSecond)),
    peakRssMiB: peakRssMiB(),
    promptTokens: runner.promptTokens,
    detail: runs.at(-1)?.detail ?? "",
  };
}

/** Raw and ours on the same files in one process, taking turns: the overhead, with contention shared. */
async function measureTurns(job: Job): Promise<Figures> {
  const runners = [await rawRunner(job.folder), await oursRunner(job.folder)];
  for (const runner of runners) await runner.generate(2);
  const runs: [Awaited<ReturnType<Runner["generate"]>>[], Awaited<ReturnType<Runner["generate"]>>[]] = [
    [],
    [],
  ];
  for (let run = 0; run < job.repeats; run++)
    for (const [index, runner] of runners.entries())
      runs[index as 0 | 1].push(await runner.generate(job.tokens));
  for (const runner of runners) await runner.close();
  const [raw, ours] = runs.map((list) => ({
    ttft: median(list.map((run) => run.firstTokenMs)),
    rate: median(list.map((run) => run.tokensPerSecond)),
  })) as [{ ttft: number; rate: number }, { ttft: number; rate: number }];
  return {
    ...EMPTY,
    detail:
      `raw and ours in turns, level 4: TTFT ${(raw.ttft / 1000).toFixed(2)} s vs ${(ours.ttft / 1000).toFixed(2)} s ` +
      `(${percent(ours.ttft / raw.ttft - 1)}), decode ${raw.rate.toFixed(1)} vs ${ours.rate.toFixed(1)} tok/s ` +
      `(${percent(raw.rate / ours.rate - 1)} time per token); target ≤ 10 %`,
  };
}

/**
 * Sessions alone: the three decoder variants in turns in one process (as downloaded, with the session
 * option, level 4), and the vision encoder in each precision, all on the level-4 copy's files.
 */
async function measureSessions(job: Job): Promise<Figures> {
  const decoder = (folder: string) => path.join(folder, "onnx", FILES.decoder);
  const steps = await compareDecoderSteps(
    [
      { label: "as downloaded", file: decoder(job.downloaded) },
      { label: "session option", file: decoder(job.downloaded), options: SESSION_OPTION },
      { label: "level 4", file: decoder(job.folder) },
    ],
    standInSpec(job.family).text.hidden,
    224,
    job.tokens,
  );
  const processor = (await AutoProcessor.from_pretrained(job.folder, {
    local_files_only: true,
  })) as unknown as {
    image_processor: (image: RawImage) => Promise<{ pixel_values: Tensor; image_grid_thw: Tensor }>;
  };
  const { pixel_values, image_grid_thw } = await processor.image_processor((await testImage()).raw);
  const feeds = {
    pixel_values: new ort.Tensor("float32", pixel_values.data as Float32Array, pixel_values.dims),
    image_grid_thw: new ort.Tensor("int64", image_grid_thw.data as BigInt64Array, image_grid_thw.dims),
  };
  const vision: string[] = [];
  for (const [dtype, file] of Object.entries(VISION_FILES))
    vision.push(
      `${dtype} ${(await timeSession(path.join(job.folder, "onnx", file), feeds, job.repeats)).toFixed(0)} ms`,
    );
  const decode = Object.entries(steps).map(
    ([label, ms]) => `${label} ${ms.toFixed(0)} ms (${(1000 / ms).toFixed(1)} tok/s)`,
  );
  return {
    ...EMPTY,
    detail: `decoder step after a 224-token prefill, in turns: ${decode.join(", ")}\nvision encoder alone, 448²: ${vision.join(", ")}`,
  };
}

function runChild(job: Job): Promise<Figures> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", JSON.stringify(job)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      const line = output.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as Figures);
      else
        reject(
          new Error(`${job.kind} ${job.family} (${job.accuracy}) exited with ${code}: ${output.slice(-500)}`),
        );
    }),
  );
}

function option(argv: string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
}

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");
async function main(argv: string[]): Promise<void> {
  const families = option(argv, "families", "qwen3_5,qwen3_vl").split(",") as StandInFamily[];
  const tokens = Number(option(argv, "tokens", "32"));
  const repeats = Number(option(argv, "repeats", "3"));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `stand-ins in ${STAND_IN_ROOT}; ${tokens} new tokens, median of ${repeats} after a warm-up; load average ${loadAverage()}`,
  );
  for (const family of families) {
    const downloaded = await standInDir(family, STAND_IN_ROOT, say);
    const levelFour = await accuracyLevelCopy(downloaded, 4);
    await warmPageCache(downloaded);
    const base = { family, tokens, repeats, downloaded };
    const jobs: Job[] = [
      { ...base, kind: "raw", folder: downloaded, accuracy: "as downloaded" },
      { ...base, kind: "raw", folder: levelFour, accuracy: "level 4" },
      { ...base, kind: "ours", folder: downloaded, accuracy: "as downloaded" },
      { ...base, kind: "ours", folder: levelFour, accuracy: "level 4" },
      { ...base, kind: "turns", folder: levelFour, accuracy: "level 4" },
      { ...base, kind: "sessions", folder: levelFour, accuracy: "level 4" },
    ];
    const { model, label } = standInSpec(family);
    say(`\n${model} stand-in (${label}); files: ${Object.values(FILES).join(", ")}`);
    say("path  accuracy_level   load s  peak RSS MiB  TTFT 448² s  decode tok/s  prompt  detail");
    const results = new Map<string, Figures>();
    for (const job of jobs) {
      const figures = await runChild(job);
      results.set(`${job.kind}/${job.accuracy}`, figures);
      if (job.kind === "turns" || job.kind === "sessions") {
        say(figures.detail);
        continue;
      }
      const cells = [
        `${job.kind.padEnd(5)} ${job.accuracy.padEnd(15)}`,
        (figures.loadMs / 1000).toFixed(1).padStart(6),
        String(figures.peakRssMiB).padStart(12),
        (figures.firstTokenMs / 1000).toFixed(2).padStart(11),
        figures.decodeTokensPerSecond.toFixed(1).padStart(12),
        String(figures.promptTokens).padStart(6),
        figures.detail,
      ];
      say(cells.join("  "));
    }
    const raw = results.get("raw/level 4");
    const ours = results.get("ours/level 4");
    if (raw && ours)
      say(
        `level 4, each alone: load ${percent(ours.loadMs / raw.loadMs - 1)} for ours (which also loads the processor); ` +
          `decode ${ours.decodeTokensPerSecond.toFixed(1)} tok/s (target ≥ 15)`,
      );
  }
  say(`\nload average at the end ${loadAverage()} (2 cores; other work on the machine slows every figure)`);
}

const childIndex = process.argv.indexOf("--child");
if (childIndex >= 0) {
  const job = JSON.parse(process.argv[childIndex + 1] ?? "{}") as Job;
  const measure = { raw: measurePath, ours: measurePath, turns: measureTurns, sessions: measureSessions }[
    job.kind
  ];
  process.stdout.write(`${JSON.stringify(await measure(job))}\n`);
} else {
  await main(process.argv.slice(2));
}
