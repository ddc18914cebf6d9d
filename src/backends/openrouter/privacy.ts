/**
 * `privacy_level` → the request's `provider` routing object (OpenRouter provider routing:
 * https://openrouter.ai/docs/features/provider-routing). Conformance: ../shared/conformance/privacy.json.
 */
import { InvalidArgumentError } from "../../errors.js";

export const PRIVACY_LEVELS = ["allow", "deny", "zdr"] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** The `provider` object for a privacy level; null for "allow" (no filter). Case-sensitive. */
export function providerRouting(level: string): { data_collection: "deny"; zdr?: true } | null {
  switch (level) {
    case "allow":
      return null;
    case "deny":
      return { data_collection: "deny" };
    case "zdr":
      return { data_collection: "deny", zdr: true };
    default:
      throw new InvalidArgumentError(
        "privacy_level",
        `unknown privacy_level: ${level} (values are case-sensitive)`,
        PRIVACY_LEVELS,
      );
  }
}
