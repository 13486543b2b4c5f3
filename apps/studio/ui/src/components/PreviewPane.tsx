// What a save would write: the diff against the file on disk, the whole new file and, for a new
// DocType, the app module that will register it. Read-only DocTypes show their source instead.
import { useState } from "preact/hooks";
import type { Preview } from "../types";

export type PreviewState =
  | { status: "idle" }
  | { status: "loading"; last: Preview | null }
  | { status: "ok"; preview: Preview; key: string }
  | { status: "error"; message: string; last: Preview | null };

function DiffView({ diff }: { diff: string }) {
  if (diff.trim() === "")
    return <p class="empty">No changes: saving would leave the file as it is.</p>;
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre class="code diff" data-testid="preview-diff">
      {lines.map((line, i) => {
        let cls = "ctx";
        if (line.startsWith("+++") || line.startsWith("---")) cls = "file";
        else if (line.startsWith("@@")) cls = "hunk";
        else if (line.startsWith("+")) cls = "add";
        else if (line.startsWith("-")) cls = "del";
        return (
          <span key={i} class={`line ${cls}`}>
            {line || " "}
          </span>
        );
      })}
    </pre>
  );
}

export function PreviewPane({
  state,
  current,
  source,
  path,
}: {
  state: PreviewState;
  /** What the draft is now: the preview is up to date when it was made for it. */
  current: string;
  source?: string;
  path?: string;
}) {
  const [tab, setTab] = useState<"diff" | "file" | "app">("diff");
  if (source !== undefined) {
    return (
      <section class="preview" aria-labelledby="preview-heading">
        <header class="section-head">
          <h3 id="preview-heading">Source</h3>
          <span class="path">{path}</span>
        </header>
        <pre class="code" data-testid="preview-file">
          {source}
        </pre>
      </section>
    );
  }
  const preview =
    state.status === "ok" ? state.preview : state.status === "idle" ? null : state.last;
  const shown = tab === "app" && !preview?.app_source ? "diff" : tab;
  const tabs: [typeof tab, string][] = [
    ["diff", "Changes"],
    ["file", "New file"],
  ];
  if (preview?.app_source) tabs.push(["app", "App module"]);
  const fresh = state.status === "ok" && state.key === current;
  const status = fresh ? "up to date" : state.status === "error" ? "not valid yet" : "updating…";
  return (
    <section
      class="preview"
      aria-labelledby="preview-heading"
      aria-busy={!fresh && state.status !== "error"}
      data-state={fresh ? "fresh" : state.status === "error" ? "error" : "pending"}
    >
      <header class="section-head">
        <h3 id="preview-heading">Live preview</h3>
        <span class="status" data-testid="preview-status">
          {status}
        </span>
      </header>
      <div role="tablist" class="tabs" aria-label="Preview">
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            aria-selected={shown === key}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      {state.status === "error" ? (
        <p class="preview-error" role="status">
          {state.message}
        </p>
      ) : null}
      {preview ? (
        <>
          <p class="path">
            {shown === "app" ? preview.app_path : preview.path}
            {preview.renames.length > 0 ? (
              <span class="renames">
                {" "}
                · renames: {preview.renames.map(([a, b]) => `${a} → ${b}`).join(", ")}
              </span>
            ) : null}
          </p>
          {shown === "diff" ? <DiffView diff={preview.diff} /> : null}
          {shown === "file" ? (
            <pre class="code" data-testid="preview-file">
              {preview.source}
            </pre>
          ) : null}
          {shown === "app" ? (
            <pre class="code" data-testid="preview-app">
              {preview.app_source}
            </pre>
          ) : null}
        </>
      ) : state.status === "loading" ? (
        <p class="empty">Generating…</p>
      ) : null}
    </section>
  );
}
