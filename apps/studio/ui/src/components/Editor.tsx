// One DocType being edited (or created): the field list, the selected field's form, the Meta and
// permissions form and the live preview. The draft is sent to POST /preview shortly after each
// change; the answer is either the code a save would write or validation messages, which are shown
// where they belong. Saving sends the etag the file was read with, so a file changed on disk since
// is never overwritten: the conflict view appears instead.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import type { Draft, DraftField } from "../draft";
import { draftOf, modelOf, move, newField } from "../draft";
import type { Issues } from "../issues";
import { hasIssues, issuesOf, noIssues } from "../issues";
import type { DocTypeSummary, DocTypeView, FieldType, Problem } from "../types";
import { ConflictView } from "./ConflictView";
import { FieldForm } from "./FieldForm";
import { FieldList } from "./FieldList";
import { Messages } from "./inputs";
import { MetaForm } from "./MetaForm";
import { Modal } from "./Modal";
import type { PreviewState } from "./PreviewPane";
import { PreviewPane } from "./PreviewPane";

export type EditorTarget =
  | { kind: "edit"; name: string; initial?: DocTypeView }
  | { kind: "new"; app: string; draft: Draft };

interface Props {
  target: EditorTarget;
  types: FieldType[];
  doctypes: DocTypeSummary[];
  onSaved: (view: DocTypeView, created: boolean) => void;
  onDeleted: (name: string) => void;
  onDirty: (dirty: boolean) => void;
}

const PREVIEW_DELAY_MS = 300;

export function Editor({ target, types, doctypes, onSaved, onDeleted, onDirty }: Props) {
  const [view, setView] = useState<DocTypeView | null>(
    target.kind === "edit" ? (target.initial ?? null) : null,
  );
  const [draft, setDraft] = useState<Draft | null>(() => {
    if (target.kind === "new") return target.draft;
    return target.initial ? draftOf(target.initial.doctype) : null;
  });
  const [baseline, setBaseline] = useState<string>(() =>
    target.kind === "edit" && target.initial
      ? JSON.stringify(modelOf(draftOf(target.initial.doctype)))
      : "",
  );
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<"fields" | "meta">("fields");
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const [issues, setIssues] = useState<Issues>(noIssues());
  const [conflict, setConflict] = useState<Problem | null>(null);
  const [busy, setBusy] = useState<"saving" | "deleting" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const lastPreview = useRef<PreviewState>({ status: "idle" });
  lastPreview.current = preview;

  const isNew = target.kind === "new";
  const readOnly = view !== null && !view.editable;
  const model = useMemo(() => (draft ? JSON.stringify(modelOf(draft)) : ""), [draft]);
  const dirty = draft !== null && (isNew || model !== baseline);

  // The latest draft and selection, for async work that finishes after a render or two.
  const current = useRef({ draft, selected });
  current.current = { draft, selected };

  /** Show `next` as saved or read; the selected field stays selected (found by its name). */
  const adopt = (next: DocTypeView) => {
    const fresh = draftOf(next.doctype);
    const { draft: before, selected: key } = current.current;
    epoch.current += 1;
    const selectedName = before?.fields.find((f) => f.key === key)?.name;
    setView(next);
    setDraft(fresh);
    setBaseline(JSON.stringify(modelOf(fresh)));
    setIssues(noIssues());
    const again = fresh.fields.find((f) => f.name === selectedName);
    setSelected(again?.key ?? fresh.fields[0]?.key ?? null);
  };

  const load = async (name: string): Promise<boolean> => {
    try {
      adopt(await api.read(name));
      setLoadError(null);
      return true;
    } catch (exc) {
      setLoadError(exc instanceof Error ? exc.message : String(exc));
      return false;
    }
  };

  useEffect(() => {
    if (target.kind === "edit" && !target.initial) void load(target.name);
    if (target.kind === "edit" && target.initial) setSelected(draft?.fields[0]?.key ?? null);
    // Runs once: App gives each target an editor of its own (keyed by it).
  }, []);

  useEffect(() => onDirty(dirty), [dirty]);

  // The live preview, a moment after the last change. Each answer is for one draft and one etag
  // (`previewKey`): the pane says whether what it shows is up to date. A save starts a new epoch:
  // answers to previews sent before it are dropped (they were computed against the old file, and
  // one that lost the race to the save's write would report the save itself as a conflict).
  const previewKey = `${view?.etag ?? ""}|${model}`;
  const epoch = useRef(0);
  useEffect(() => {
    if (!draft || readOnly) return;
    const sent = draft.fields;
    const key = previewKey;
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      const started = epoch.current;
      const stale = () => controller.signal.aborted || epoch.current !== started;
      const last = lastPreview.current;
      const previous =
        last.status === "ok" ? last.preview : last.status === "idle" ? null : last.last;
      setPreview({ status: "loading", last: previous });
      try {
        const where = target.kind === "new" ? { app: target.app } : { etag: view?.etag ?? "" };
        const result = await api.preview(modelOf(draft), where, controller.signal);
        if (stale()) return;
        setPreview({ status: "ok", preview: result, key });
        setIssues(noIssues());
      } catch (exc) {
        if (stale()) return;
        if (exc instanceof ApiError && exc.isConflict) {
          setConflict(exc.problem);
          setPreview({ status: "error", message: exc.message, last: previous });
          return;
        }
        const found =
          exc instanceof ApiError ? issuesOf(exc, sent) : { ...noIssues(), general: [String(exc)] };
        setIssues(found);
        setPreview({
          status: "error",
          message: "Fix the problems shown in the form to see the code.",
          last: previous,
        });
      }
    }, PREVIEW_DELAY_MS);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [previewKey, readOnly]);

  const save = async () => {
    if (!draft || readOnly || busy) return;
    const sent = draft.fields;
    epoch.current += 1;
    setBusy("saving");
    setNotice(null);
    try {
      if (target.kind === "new") {
        const created = await api.create(target.app, modelOf(draft));
        onSaved(created, true);
        return;
      }
      if (!view) return;
      const saved = await api.update(view.doctype.name, view.etag, modelOf(draft));
      adopt(saved);
      const renamed = saved.renames.map(([a, b]) => `${a} → ${b}`).join(", ");
      setNotice(
        `Saved ${saved.path}${renamed ? ` (renamed ${renamed}; recorded for migrations)` : ""}.`,
      );
      onSaved(saved, false);
    } catch (exc) {
      if (exc instanceof ApiError && exc.isConflict) {
        setConflict(exc.problem);
      } else if (exc instanceof ApiError) {
        setIssues(issuesOf(exc, sent));
      } else {
        setIssues({ ...noIssues(), general: [String(exc)] });
      }
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!view) return;
    setBusy("deleting");
    try {
      await api.remove(view.doctype.name, view.etag);
      onDeleted(view.doctype.name);
    } catch (exc) {
      setConfirmDelete(false);
      setIssues({ ...noIssues(), general: [exc instanceof Error ? exc.message : String(exc)] });
    } finally {
      setBusy(null);
    }
  };

  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (loadError) {
    return (
      <main class="editor">
        <p class="messages" role="alert">
          {loadError}
        </p>
      </main>
    );
  }
  if (!draft) {
    return (
      <main class="editor">
        <p class="empty">Loading…</p>
      </main>
    );
  }

  const setFields = (fields: DraftField[]) => setDraft({ ...draft, fields });
  const field = draft.fields.find((f) => f.key === selected) ?? null;
  const invalid = new Set(Object.keys(issues.fields));
  const fieldCount = Object.keys(issues.fields).length;
  const app = target.kind === "new" ? target.app : view?.app;

  return (
    <main class="editor" aria-labelledby="doctype-title">
      <header class="editor-head">
        <div>
          <h1 id="doctype-title">
            {draft.name}
            {draft.is_child ? <span class="badge muted">child</span> : null}
            {readOnly ? <span class="badge muted">read-only</span> : null}
            {isNew ? (
              <span class="badge">new</span>
            ) : dirty ? (
              <span class="badge">unsaved</span>
            ) : null}
          </h1>
          <p class="path">
            {app}
            {view ? ` · ${view.path}` : " · not saved yet"}
          </p>
        </div>
        <div class="actions">
          {readOnly ? null : (
            <button
              type="button"
              class="primary"
              disabled={busy !== null || !dirty}
              onClick={() => void save()}
              title="Save (Ctrl+S)"
            >
              {busy === "saving" ? "Saving…" : isNew ? "Create" : "Save"}
            </button>
          )}
          {!readOnly && !isNew ? (
            <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          ) : null}
        </div>
      </header>
      {readOnly ? (
        <p class="banner">
          App <strong>{view?.app}</strong> is installed from outside the project: you can look, but
          Studio only edits apps whose sources are in the project.
        </p>
      ) : null}
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}
      <Messages
        messages={[
          ...issues.general,
          ...(issues.doctype["name"] ?? []),
          ...(issues.doctype["is_child"] ?? []),
        ]}
      />
      {hasIssues(issues) && fieldCount > 0 ? (
        <p class="banner error">
          {fieldCount === 1 ? "A field has" : `${fieldCount} fields have`} problems: they are marked
          in the list.
        </p>
      ) : null}
      <datalist id="studio-doctype-names">
        {doctypes
          .filter((d) => !d.is_child)
          .map((d) => (
            <option key={d.name} value={d.name} />
          ))}
      </datalist>
      <div class="editor-body">
        <div class="editor-main">
          <div role="tablist" class="tabs" aria-label="Editor">
            <button
              type="button"
              role="tab"
              aria-selected={tab === "fields"}
              onClick={() => setTab("fields")}
            >
              Fields ({draft.fields.length})
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === "meta"}
              onClick={() => setTab("meta")}
            >
              Meta & permissions
              {Object.keys(issues.meta).length ? (
                <span class="dot" aria-label="has problems" />
              ) : null}
            </button>
          </div>
          {tab === "fields" ? (
            <div class="fields-pane" role="tabpanel">
              <FieldList
                fields={draft.fields}
                selected={selected}
                readOnly={readOnly}
                invalid={invalid}
                onSelect={setSelected}
                onMove={(from, to) => setFields(move(draft.fields, from, to))}
                onAdd={() => {
                  const added = newField(draft.fields);
                  setFields([...draft.fields, added]);
                  setSelected(added.key);
                }}
                onRemove={(key) => {
                  const index = draft.fields.findIndex((f) => f.key === key);
                  const rest = draft.fields.filter((f) => f.key !== key);
                  setFields(rest);
                  if (selected === key) setSelected(rest[Math.max(0, index - 1)]?.key ?? null);
                }}
              />
              {field ? (
                <FieldForm
                  key={field.key}
                  field={field}
                  types={types}
                  doctypes={doctypes}
                  readOnly={readOnly}
                  issues={issues.fields[field.key] ?? {}}
                  onChange={(changed) =>
                    setFields(draft.fields.map((f) => (f.key === changed.key ? changed : f)))
                  }
                />
              ) : (
                <p class="empty field-form">
                  {draft.fields.length
                    ? "Select a field to edit it."
                    : readOnly
                      ? ""
                      : "Add a field to begin."}
                </p>
              )}
            </div>
          ) : (
            <div role="tabpanel">
              <MetaForm
                draft={draft}
                readOnly={readOnly}
                issues={issues.meta}
                docstringIssues={issues.doctype["docstring"]}
                onChange={setDraft}
              />
              {view?.controller ? (
                <section class="controller">
                  <h3>
                    Controller <code>{view.controller.name}</code>
                  </h3>
                  <p class="hint">Methods are yours: Studio shows them and never changes them.</p>
                  <ul>
                    {view.controller.methods.map((m) => (
                      <li key={m.name}>
                        <code>
                          {m.is_async ? "async " : ""}
                          {m.name}
                        </code>{" "}
                        <span class="badge muted">{m.kind}</span>
                      </li>
                    ))}
                  </ul>
                </section>
              ) : null}
            </div>
          )}
        </div>
        <PreviewPane
          state={preview}
          current={previewKey}
          {...(readOnly && view ? { source: view.source, path: view.path } : {})}
        />
      </div>
      {conflict ? (
        <ConflictView
          problem={conflict}
          onReload={() => {
            setConflict(null);
            setNotice(null);
            if (view) {
              void load(view.doctype.name).then((ok) => ok && setNotice("Reloaded from disk."));
            }
          }}
          onKeepEditing={() => {
            if (view && conflict.etag !== undefined && conflict.source !== undefined) {
              setView({ ...view, etag: conflict.etag, source: conflict.source });
            }
            setConflict(null);
          }}
        />
      ) : null}
      {confirmDelete && view ? (
        <Modal title={`Delete ${view.doctype.name}?`} onClose={() => setConfirmDelete(false)}>
          <p>
            This removes the class {view.doctype.name}
            {view.controller ? ` and its controller ${view.controller.name}` : ""} from{" "}
            <code>{view.path}</code>
            {view.doctype.is_child ? "" : " and from the app's list of DocTypes"}. Its table stays
            in the database until a migration drops it.
          </p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={busy !== null}
              onClick={() => void remove()}
            >
              {busy === "deleting" ? "Deleting…" : `Delete ${view.doctype.name}`}
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </Modal>
      ) : null}
    </main>
  );
}
