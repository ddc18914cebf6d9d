/** The HTTP core's readings of what servers send: Retry-After in both forms, and the human part of error bodies. */
import { describe, expect, it } from "vitest";
import { errorDetail, isRetryableStatus, parseRetryAfter } from "../../src/backends/http/post-json.js";

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates, and ignores what is neither", () => {
    const now = Date.parse("Thu, 26 Nov 2026 01:00:00 GMT");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter("Thu, 26 Nov 2026 01:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Thu, 26 Nov 2026 00:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("errorDetail", () => {
  it("finds the message in the shapes services use, with OpenRouter's upstream words", () => {
    expect(
      errorDetail(
        '{"error": {"message": "Provider returned error", "metadata": {"raw": "model overloaded"}}}',
      ),
    ).toBe("Provider returned error (model overloaded)");
    expect(errorDetail('{"error": "bad key"}')).toBe("bad key");
    expect(errorDetail('{"detail": "Not Found"}')).toBe("Not Found");
    expect(errorDetail("<html>502 Bad Gateway</html>")).toBe("<html>502 Bad Gateway</html>");
    expect(errorDetail("")).toBe("(empty body)");
  });
});

describe("isRetryableStatus", () => {
  it("retries busy, timed-out and failed servers, never a wrong or unpaid request", () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 402, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});
