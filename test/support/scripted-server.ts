/**
 * A real HTTP server on an ephemeral loopback port that records every request and answers from a script:
 * JSON, raw bodies, delays, hangs and dropped connections. Tests talk to it over real sockets — no fetch mocks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  readonly body: any;
}

/** What to do with one request. */
export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly text?: string;
  /** A binary body (an image). */
  readonly bytes?: Buffer;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Never answer (the client must time out). */
  readonly hang?: boolean;
  /** Close the connection without any response. */
  readonly drop?: boolean;
}

/** Decides the answer to the request with this 0-based index. */
export type Script = (
  request: RecordedRequest,
  index: number,
) => ScriptedResponse | Promise<ScriptedResponse>;

/** A running scripted server. */
export interface ScriptedServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Most requests being handled at the same moment. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Starts a scripted server on 127.0.0.1 with an ephemeral port. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        text,
        body,
      };
      const index = requests.length;
      requests.push(recorded);
      const answer = await script(recorded, index);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (answer.hang) return;
      if (answer.drop) {
        request.socket.destroy();
        return;
      }
      const payload =
        answer.json !== undefined ? JSON.stringify(answer.json) : (answer.bytes ?? answer.text ?? "");
      response.writeHead(answer.status ?? 200, {
        "content-type":
          answer.json !== undefined
            ? "application/json"
            : answer.bytes
              ? "application/octet-stream"
              : "text/plain",
        ...answer.headers,
      });
      response.end(payload);
    } finally {
      inFlight -= 1;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A chat-completions answer with this content (and optional reasoning / usage). */
export function completion(
  content: string | null,
  extra: { reasoning?: string; finishReason?: string } = {},
): object {
  return {
    id: "gen-test",
    model: "qwen/test",
    choices: [
      {
        index: 0,
        finish_reason: extra.finishReason ?? "stop",
        message: { role: "assistant", content, ...(extra.reasoning ? { reasoning: extra.reasoning } : {}) },
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110, cost: 0.00012 },
  };
}
