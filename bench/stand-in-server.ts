/**
 * An OpenRouter stand-in for benchmarks, in its own process so its work does not share the client's event loop
 * (a real OpenRouter is on another machine). Answers every chat completion after the given latency and prints
 * its URL on stdout. Run: npx tsx bench/stand-in-server.ts <latency-ms>
 */
import { completion, startScriptedServer } from "../test/support/scripted-server.js";

const latencyMs = Number(process.argv[2] ?? 200);
const server = await startScriptedServer(() => ({ delayMs: latencyMs, json: completion("ok") }));
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => {
  process.stderr.write(`max in flight ${server.maxInFlight}\n`);
  void server.close().then(() => process.exit(0));
});
