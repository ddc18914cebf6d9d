/**
 * The OpenAI chat-completions wire format that OpenRouter and OpenAI-compatible servers (vLLM, SGLang,
 * llama.cpp's server) share: building the messages with an image part, and reading an answer out of a response
 * that may still be an error (HTTP 200 with `error`, no choices, `content: null`).
 */
import { ApiCallError, ModelOutputError } from "../errors.js";
import type { ChatPrompt, Usage } from "./backend.js";
import { joinThinking, splitThinking } from "./thinking.js";

/** One message of the request. */
export interface ChatMessage {
  role: "system" | "user";
  content: string | Array<{ type: "text"; text: string } | { type: "image_url"; image_url: { url: string } }>;
}

/** The system message, then the user turn with the image first and the text after it (see prompts.ts). */
export function buildMessages(prompt: ChatPrompt, imageUrl: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (prompt.system) messages.push({ role: "system", content: prompt.system });
  messages.push({
    role: "user",
    content: [
      { type: "image_url", image_url: { url: imageUrl } },
      { type: "text", text: prompt.user },
    ],
  });
  return messages;
}

/** What we read from a successful completion. */
export interface CompletionAnswer {
  readonly output: string;
  readonly thinking: string;
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly model?: string;
  readonly warnings: string[];
}

interface RawMessage {
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
  reasoning_details?: unknown;
}

/**
 * Reads the answer from a chat-completions response body. `service` names the server in messages;
 * `maxTokens` is quoted in the hint when the model ran out of tokens.
 */
export function readCompletion(
  body: unknown,
  context: { service: string; maxTokens: number },
): CompletionAnswer {
  const response = (body ?? {}) as {
    choices?: unknown;
    error?: unknown;
    usage?: unknown;
    model?: unknown;
  };
  const choices = Array.isArray(response.choices) ? response.choices : [];
  const first = choices[0] as { message?: RawMessage; finish_reason?: unknown } | undefined;
  if (!first) {
    const error = response.error as { message?: unknown; code?: unknown } | string | undefined;
    const detail =
      typeof error === "string"
        ? error
        : typeof error?.message === "string"
          ? error.message
          : "no details given";
    const status = typeof error === "object" && typeof error?.code === "number" ? error.code : 200;
    throw new ApiCallError(
      `${context.service} returned no completion (no choices in the response): ${detail}`,
      {
        status,
        retryable: false,
        responseBody: JSON.stringify(body ?? null),
      },
    );
  }
  const finishReason = typeof first.finish_reason === "string" ? first.finish_reason : undefined;
  const message = first.message ?? {};
  const content = contentText(message.content);
  const reasoning = reasoningText(message);
  if (content === null) {
    if (finishReason === "length") {
      throw new ModelOutputError(
        `${context.service}: the model used all ${context.maxTokens} tokens of max_tokens before writing an answer ` +
          '(content is null, finish_reason "length"), most likely on reasoning: raise max_tokens or turn enable_thinking off',
        { rawText: reasoning, finishReason },
      );
    }
    throw new ModelOutputError(
      `${context.service} response is missing message.content (finish_reason ${JSON.stringify(finishReason ?? null)}); try again or pick another model`,
      { rawText: reasoning, ...(finishReason ? { finishReason } : {}) },
    );
  }
  const split = splitThinking(content);
  const warnings: string[] = [];
  if (finishReason === "length") {
    warnings.push(
      `the answer was cut off at max_tokens (${context.maxTokens}); raise max_tokens for the full answer`,
    );
  }
  const usage = readUsage(response.usage);
  return {
    output: split.answer,
    thinking: joinThinking(reasoning, split.thinking),
    warnings,
    ...(finishReason ? { finishReason } : {}),
    ...(usage ? { usage } : {}),
    ...(typeof response.model === "string" ? { model: response.model } : {}),
  };
}

/** `content` is a string, or (some providers) a list of text parts; null when the model wrote nothing. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === "object" && typeof part.text === "string" ? part.text : ""))
      .join("");
  }
  return null;
}

/**
 * OpenRouter returns reasoning in `message.reasoning` and, for some Qwen providers, only in
 * `reasoning_details[].text` (type "reasoning.text"); vLLM and SGLang use `reasoning_content`.
 */
function reasoningText(message: RawMessage): string {
  if (typeof message.reasoning === "string" && message.reasoning) return message.reasoning;
  if (typeof message.reasoning_content === "string" && message.reasoning_content)
    return message.reasoning_content;
  if (Array.isArray(message.reasoning_details)) {
    return message.reasoning_details
      .map((detail) => {
        const item = detail as { text?: unknown; summary?: unknown };
        return typeof item.text === "string"
          ? item.text
          : typeof item.summary === "string"
            ? item.summary
            : "";
      })
      .join("");
  }
  return "";
}

function readUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const usage = raw as Record<string, unknown> & {
    completion_tokens_details?: { reasoning_tokens?: unknown };
  };
  const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
  const fields: Record<string, number | undefined> = {
    promptTokens: number(usage.prompt_tokens),
    completionTokens: number(usage.completion_tokens),
    reasoningTokens: number(usage.completion_tokens_details?.reasoning_tokens),
    totalTokens: number(usage.total_tokens),
    cost: number(usage.cost),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Usage;
}
