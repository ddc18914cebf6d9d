/** The error a definition that fails to compile throws: every problem found, each with its step and JSON path. */
import { WorkflowDefinitionError } from "../errors.js";

/**
 * All problems of one definition. It is a WorkflowDefinitionError itself (path and step of the first problem),
 * so callers that catch that family keep working; `problems` lists each one.
 */
export class WorkflowCompileError extends WorkflowDefinitionError {
  readonly problems: readonly WorkflowDefinitionError[];
  constructor(problems: readonly WorkflowDefinitionError[]) {
    const first = problems[0] ?? new WorkflowDefinitionError("$", "is invalid");
    super(first.path, "", first.step);
    this.problems = problems.length > 0 ? problems : [first];
    // The first line alone must say what is wrong: the CLI shows one line.
    this.message =
      this.problems.length === 1
        ? first.message
        : `${first.message} (and ${this.problems.length - 1} more problem${this.problems.length > 2 ? "s" : ""})\n${this.problems
            .map((problem) => `- ${problem.message}`)
            .join("\n")}`;
  }
}

/** `$.steps[1].classes`; keys that are not identifiers use brackets (`$.steps[0]["my key"]`). */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}
