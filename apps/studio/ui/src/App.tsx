// The page: DocTypes on the left, the editor of the open one (or of a new one) on the right.
// The open DocType is in the URL (#/doctype/Name), so a reload or a shared link reopens it; leaving
// a DocType with unsaved changes asks first.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "./api";
import type { EditorTarget } from "./components/Editor";
import { Editor } from "./components/Editor";
import { Modal } from "./components/Modal";
import { NewDocTypeDialog } from "./components/NewDocTypeDialog";
import { Sidebar } from "./components/Sidebar";
import { newDraft } from "./draft";
import type { AppListing, DocTypeView, FieldType, ProjectInfo } from "./types";

const ROUTE = /^#\/doctype\/([^/]+)$/;

const nameInHash = (): string | null => {
  const match = ROUTE.exec(window.location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
};

export function App() {
  const [project, setProject] = useState<ProjectInfo | null>(null);
  const [listing, setListing] = useState<AppListing[] | null>(null);
  const [query, setQuery] = useState("");
  const [types, setTypes] = useState<FieldType[]>([]);
  const [typeProblems, setTypeProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<EditorTarget | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const [newOpen, setNewOpen] = useState(false);
  const [pending, setPending] = useState<(() => void) | null>(null);
  const dirty = useRef(false);

  const refresh = async () => {
    try {
      const info = await api.project();
      setProject(info);
      setError(null);
      setListing(query.trim() ? await api.doctypes(query) : info.apps);
    } catch (exc) {
      setError(exc instanceof Error ? exc.message : String(exc));
    }
  };

  const show = (next: EditorTarget | null, hash: string) => {
    dirty.current = false;
    setTarget(next);
    setEditorKey((k) => k + 1);
    if (window.location.hash !== hash) window.history.pushState(null, "", hash || "#/");
  };

  /** Run `action` now, or after the user agrees to drop unsaved changes. */
  const guard = (action: () => void) => {
    if (dirty.current) setPending(() => action);
    else action();
  };

  const open = (name: string, initial?: DocTypeView) =>
    show(
      initial ? { kind: "edit", name, initial } : { kind: "edit", name },
      `#/doctype/${encodeURIComponent(name)}`,
    );

  useEffect(() => {
    void refresh();
    api
      .fieldTypes()
      .then((t) => {
        setTypes(t.types);
        setTypeProblems(t.problems);
      })
      .catch((exc: unknown) => setError(exc instanceof Error ? exc.message : String(exc)));
    const initial = nameInHash();
    if (initial) open(initial);
    const onPop = () => {
      const name = nameInHash();
      guard(() => (name ? open(name) : show(null, "")));
    };
    const onUnload = (e: BeforeUnloadEvent) => {
      if (dirty.current) e.preventDefault();
    };
    window.addEventListener("popstate", onPop);
    window.addEventListener("beforeunload", onUnload);
    return () => {
      window.removeEventListener("popstate", onPop);
      window.removeEventListener("beforeunload", onUnload);
    };
  }, []);

  // Search, a moment after typing stops.
  useEffect(() => {
    if (!project) return;
    if (!query.trim()) {
      setListing(project.apps);
      return;
    }
    const timer = window.setTimeout(() => {
      api
        .doctypes(query)
        .then(setListing)
        .catch((exc: unknown) => setError(exc instanceof Error ? exc.message : String(exc)));
    }, 200);
    return () => window.clearTimeout(timer);
  }, [query, project]);

  const doctypes = useMemo(() => project?.apps.flatMap((a) => a.doctypes) ?? [], [project]);
  const current = target?.kind === "edit" ? target.name : null;
  const problems = [...(project?.problems ?? []), ...typeProblems].filter(
    (p, i, all) => all.indexOf(p) === i,
  );

  return (
    <div class="layout">
      <Sidebar
        listing={listing}
        query={query}
        current={current}
        error={error}
        onQuery={setQuery}
        onOpen={(name) => guard(() => open(name))}
        onNew={() => guard(() => setNewOpen(true))}
      />
      {target ? (
        <Editor
          key={editorKey}
          target={target}
          types={types}
          doctypes={doctypes}
          onDirty={(d) => {
            dirty.current = d;
          }}
          onSaved={(view, created) => {
            void refresh();
            if (created) open(view.doctype.name, view);
          }}
          onDeleted={() => {
            void refresh();
            show(null, "");
          }}
        />
      ) : (
        <main class="editor welcome">
          <h1>Framework M Studio</h1>
          {project ? (
            <p>
              Project <code>{project.root}</code>. Open a DocType on the left, or create one: Studio
              writes it as Python into your app and keeps the code you write around it.
            </p>
          ) : null}
          {problems.length ? (
            <section class="banner">
              <h2>Problems</h2>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </main>
      )}
      {newOpen && project ? (
        <NewDocTypeDialog
          apps={project.apps}
          existing={new Set(doctypes.map((d) => d.name))}
          onCancel={() => setNewOpen(false)}
          onCreate={(app, name, isChild) => {
            setNewOpen(false);
            show({ kind: "new", app, draft: newDraft(name, isChild) }, "#/new");
          }}
        />
      ) : null}
      {pending ? (
        <Modal title="Discard unsaved changes?" onClose={() => setPending(null)}>
          <p>The DocType you are editing has changes that are not saved.</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              onClick={() => {
                const action = pending;
                setPending(null);
                dirty.current = false;
                action();
              }}
            >
              Discard changes
            </button>
            <button type="button" onClick={() => setPending(null)}>
              Keep editing
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}
