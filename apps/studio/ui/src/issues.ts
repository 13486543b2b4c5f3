// Where an API error belongs in the editor. Pydantic errors come with a location
// ("doctype.fields.1.name"); the workspace's own checks only with a message ("field 'x': …").
// Both land on the field (by its client key), the Meta option or the DocType they concern.
import type { ApiError } from "./api";
import type { DraftField } from "./draft";

export interface Issues {
  general: string[];
  /** field key → property ("name", "link", "constraints.max_length", "_" for the field) → messages */
  fields: Record<string, Record<string, string[]>>;
  /** Meta option ("permissions", "naming", "_") → messages */
  meta: Record<string, string[]>;
  /** DocType property ("name", "docstring") → messages */
  doctype: Record<string, string[]>;
}

export const noIssues = (): Issues => ({ general: [], fields: {}, meta: {}, doctype: {} });

export function hasIssues(issues: Issues): boolean {
  return (
    issues.general.length > 0 ||
    Object.keys(issues.fields).length > 0 ||
    Object.keys(issues.meta).length > 0 ||
    Object.keys(issues.doctype).length > 0
  );
}

function push(target: Record<string, string[]>, key: string, message: string): void {
  (target[key] ??= []).push(message);
}

const clean = (message: string): string => message.replace(/^(Value|Assertion) error, /, "");

/** Place a message by its text alone: "field 'x': …" goes to field x, "Meta…" to Meta. */
function placeByText(issues: Issues, message: string, fields: DraftField[]): void {
  const named = /field '([^']+)'/.exec(message);
  if (named) {
    const field = fields.find((f) => f.name === named[1]);
    if (field) {
      push((issues.fields[field.key] ??= {}), "_", message);
      return;
    }
  }
  if (/^Meta|naming /.test(message)) {
    push(issues.meta, "_", message);
    return;
  }
  issues.general.push(message);
}

/** `fields` is the list as it was sent, so an index in a location finds the right field. */
export function issuesOf(error: ApiError, fields: DraftField[]): Issues {
  const issues = noIssues();
  const items = error.problem.errors ?? [];
  if (items.length === 0) {
    placeByText(issues, clean(error.message), fields);
    return issues;
  }
  for (const item of items) {
    const message = clean(item.message);
    const parts = item.loc
      .filter((p) => p !== "body")
      .flatMap((p) => String(p).split("."))
      .filter((p) => p !== "");
    if (parts[0] === "doctype") parts.shift();
    const [head, second, ...rest] = parts;
    if (head === "fields" && second !== undefined && /^\d+$/.test(second)) {
      const field = fields[Number(second)];
      if (field) {
        push((issues.fields[field.key] ??= {}), rest.length ? rest.join(".") : "_", message);
        continue;
      }
    }
    if (head === "meta") {
      push(issues.meta, second ?? "_", message);
      continue;
    }
    if (head === "name" || head === "docstring" || head === "is_child") {
      push(issues.doctype, head, message);
      continue;
    }
    placeByText(issues, message, fields);
  }
  return issues;
}
