/**
 * OpenRouter path benchmark (prints figures; not a test).
 *  (a) N images through a local stand-in server answering after L ms, at concurrency C: wall time against the
 *      ideal ⌈N/C⌉·L, as a fraction of ideal throughput.
 *  (b) client overhead per image — decode, EXIF-orient, JPEG-encode, base64 — for a 0.3 MP and a 24 MP JPEG:
 *      median ms, and peak RSS of a process that does only that.
 * Run: npx tsx bench/openrouter.ts [N=64] [C=8] [L=200]
 */
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { runQwenVlm } from "../src/api/run-qwen-vlm.js";
import { encodeJpegDataUri } from "../src/vision/encode.js";
import { loadImage } from "../src/vision/image.js";

const PHOTO = fileURLToPath(new URL("../../shared/images/dogs.jpg", import.meta.url));

/** A JPEG of about `megapixels` made by resizing a real photo (so it compresses like one), 3:2. */
async function photoJpeg(megapixels: number): Promise<Buffer> {
  const width = Math.round(Math.sqrt(megapixels * 1e6 * 1.5));
  const height = Math.round(width / 1.5);
  return sharp(PHOTO).resize(width, height, { fit: "fill" }).jpeg({ quality: 92 }).toBuffer();
}

/** Starts the stand-in server in its own process and returns its URL and a stop function. */
async function startStandIn(latencyMs: number): Promise<{ url: string; stop: () => Promise<string> }> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL("stand-in-server.ts", import.meta.url)), String(latencyMs)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`stand-in server exited with ${code}`)));
  });
  let report = "";
  child.stderr.on("data", (chunk: Buffer) => {
    report += chunk.toString();
  });
  const stop = () =>
    new Promise<string>((resolve) => {
      child.once("exit", () => resolve(report.trim()));
      child.kill("SIGTERM");
    });
  return { url, stop };
}

async function throughput(count: number, concurrency: number, latencyMs: number): Promise<void> {
  const standIn = await startStandIn(latencyMs);
  const image = await photoJpeg(0.3);
  const images = Array.from({ length: count }, () => image);
  const ideal = Math.ceil(count / concurrency) * latencyMs;
  // The first run pays for process warm-up (first sharp call, new connections, JIT); the second is steady state.
  for (const run of ["cold", "warm"]) {
    const started = performance.now();
    const results = await runQwenVlm(
      images,
      { backend: "openrouter", task_type: "ocr", max_concurrent_requests: concurrency },
      {
        env: { OPENROUTER_BASE_URL: standIn.url, OPENROUTER_API_KEY: "sk-or-v1-bench" },
      },
    );
    const wall = performance.now() - started;
    const failed = results.filter((result) => result.error).length;
    console.log(
      `(a) ${run}: N=${count} C=${concurrency} L=${latencyMs} ms: wall ${wall.toFixed(0)} ms, ideal ${ideal} ms, ` +
        `throughput ${(ideal / wall).toFixed(3)} of ideal (target ≥ 0.95), failed ${failed}`,
    );
  }
  // The floor this machine and stand-in allow: the same requests, bodies built beforehand, plain fetch.
  const body = JSON.stringify({
    model: "qwen/qwen3.6-27b",
    messages: [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${image.toString("base64")}` } },
        ],
      },
    ],
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const response = await fetch(`${standIn.url}/chat/completions`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        await response.text();
      }
    }),
  );
  const floor = performance.now() - started;
  console.log(
    `(a) transport floor (plain fetch, bodies prebuilt): wall ${floor.toFixed(0)} ms, ${(ideal / floor).toFixed(3)} of ideal`,
  );
  console.log(`(a) stand-in server: ${await standIn.stop()}`);
}

/** Child mode: encode one image size `runs` times, print median ms and peak RSS as JSON. */
async function overheadChild(megapixels: number, runs: number): Promise<void> {
  const bytes = await photoJpeg(megapixels);
  const times: number[] = [];
  let uriBytes = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const image = await loadImage(bytes);
    const encoded = await encodeJpegDataUri(image);
    times.push(performance.now() - started);
    uriBytes = encoded.dataUri.length;
  }
  times.sort((a, b) => a - b);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      megapixels,
      fileBytes: bytes.length,
      uriBytes,
      medianMs: times[Math.floor(runs / 2)],
      peakRssMb,
    }),
  );
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === "--overhead-child") {
    await overheadChild(Number(rest[0]), Number(rest[1]));
    return;
  }
  const [count = 64, concurrency = 8, latency = 200] = [mode, ...rest].map((value) =>
    value ? Number(value) : undefined,
  );
  await throughput(count, concurrency, latency);
  for (const [megapixels, runs] of [
    [0.3, 21],
    [24, 5],
  ] as const) {
    // A fresh process per size, so its peak RSS is this work's alone (baseline included: node + sharp).
    const output = execFileSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        "--overhead-child",
        String(megapixels),
        String(runs),
      ],
      {
        encoding: "utf8",
      },
    );
    const figures = JSON.parse(output.trim().split("\n").pop() ?? "{}");
    console.log(
      `(b) ${megapixels} MP JPEG (${(figures.fileBytes / 1e6).toFixed(2)} MB → data URI ${(figures.uriBytes / 1e6).toFixed(2)} MB): ` +
        `${figures.medianMs.toFixed(1)} ms median per image over ${runs} runs, peak RSS ${figures.peakRssMb.toFixed(0)} MB`,
    );
  }
}

await main();
