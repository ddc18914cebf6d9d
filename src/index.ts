/** Public API of qwen-vlm. */
export * from "./errors.js";
