/**
 * Which OpenRouter key a call uses. `rf_key:account` is the managed key: the one the operator configured in
 * OPENROUTER_API_KEY. `rf_key:user:<id>` is a key the caller stored earlier, looked up in a key store.
 * Anything else (`sk-or-…`) is the caller's own key, sent as is. Keys never appear in messages.
 */
import { ConfigurationError } from "../../errors.js";

export const MANAGED_KEY = "rf_key:account";
const USER_KEY_PREFIX = "rf_key:user:";

/** Looks up keys that callers stored earlier, by id. */
export interface ApiKeyStore {
  get(id: string): Promise<string | undefined>;
}

/** Where a key came from, for messages and spend records (never the key itself). */
export type KeySource = "managed" | "stored" | "caller";

/** Resolves `api_key` to the key to send. Throws ConfigurationError saying what to set when it cannot. */
export async function resolveOpenRouterKey(
  apiKey: string,
  options: { env: Readonly<Record<string, string | undefined>>; keyStore?: ApiKeyStore },
): Promise<{ key: string; source: KeySource }> {
  if (apiKey.startsWith(MANAGED_KEY)) {
    const key = options.env.OPENROUTER_API_KEY?.trim();
    if (!key) {
      throw new ConfigurationError(
        `api_key is "${MANAGED_KEY}" (the managed key), but OPENROUTER_API_KEY is not set: set OPENROUTER_API_KEY, ` +
          "or pass your own sk-or-… key as api_key (--api-key on the command line)",
      );
    }
    return { key, source: "managed" };
  }
  if (apiKey.startsWith(USER_KEY_PREFIX)) {
    const id = apiKey.slice(USER_KEY_PREFIX.length);
    if (!options.keyStore) {
      throw new ConfigurationError(
        `api_key "${USER_KEY_PREFIX}${id}" refers to a stored key, but no key store is configured here: pass the sk-or-… key itself`,
      );
    }
    const key = await options.keyStore.get(id);
    if (!key) throw new ConfigurationError(`no stored OpenRouter key has the id "${id}"`);
    return { key, source: "stored" };
  }
  if (apiKey.trim() === "")
    throw new ConfigurationError("api_key is empty: pass an sk-or-… key or set OPENROUTER_API_KEY");
  return { key: apiKey, source: "caller" };
}
