// DocTypes grouped by app, with a search box (the API filters by name or module).
import type { AppListing } from "../types";

export function Sidebar(props: {
  listing: AppListing[] | null;
  query: string;
  current: string | null;
  error: string | null;
  onQuery: (q: string) => void;
  onOpen: (name: string) => void;
  onNew: () => void;
}) {
  const { listing } = props;
  return (
    <nav class="sidebar" aria-label="DocTypes">
      <div class="sidebar-head">
        <input
          type="search"
          aria-label="Search DocTypes"
          placeholder="Search DocTypes…"
          value={props.query}
          onInput={(e) => props.onQuery(e.currentTarget.value)}
        />
        <button type="button" class="primary" onClick={props.onNew}>
          + New DocType
        </button>
      </div>
      {props.error ? (
        <p class="messages" role="alert">
          {props.error}
        </p>
      ) : null}
      {listing === null ? <p class="empty">Loading…</p> : null}
      {listing !== null && listing.every((a) => a.doctypes.length === 0) ? (
        <p class="empty">{props.query ? "No DocType matches." : "No DocTypes yet."}</p>
      ) : null}
      {listing?.map((app) => (
        <section key={app.app} class="app-group" data-app={app.app}>
          <h2>
            {app.app}
            {app.editable ? null : (
              <span class="badge muted" title="Installed outside the project: read-only">
                read-only
              </span>
            )}
          </h2>
          <ul>
            {app.doctypes.map((d) => (
              <li key={d.name}>
                <a
                  href={`#/doctype/${encodeURIComponent(d.name)}`}
                  aria-current={d.name === props.current ? "page" : undefined}
                  title={`${d.module} · ${d.fields} fields`}
                  onClick={(e) => {
                    e.preventDefault();
                    props.onOpen(d.name);
                  }}
                >
                  {d.name}
                  {d.is_child ? <span class="badge muted">child</span> : null}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
