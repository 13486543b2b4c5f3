// The DocType's fields in declaration order. Reorder by dragging a row onto another (native HTML5
// drag and drop: the dragged field takes the target's place), with the ↑/↓ buttons, or from the
// keyboard with Alt+ArrowUp/Alt+ArrowDown on a focused row. Moves are announced to screen readers.
import { useState } from "preact/hooks";
import type { DraftField } from "../draft";

interface Props {
  fields: DraftField[];
  selected: string | null;
  readOnly: boolean;
  invalid: Set<string>;
  onSelect: (key: string) => void;
  onMove: (from: number, to: number) => void;
  onAdd: () => void;
  onRemove: (key: string) => void;
}

function summary(field: DraftField): string {
  if (field.type === "link") return `link → ${field.link ?? "?"}`;
  if (field.type === "table") return `table of ${field.child ?? "?"}`;
  if (field.type === "python") return field.annotation ?? "python";
  return field.type;
}

export function FieldList(props: Props) {
  const { fields, readOnly } = props;
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");

  const moveTo = (from: number, to: number) => {
    if (to < 0 || to >= fields.length || from === to) return;
    const field = fields[from];
    props.onMove(from, to);
    if (field) setAnnouncement(`${field.name} moved to position ${to + 1} of ${fields.length}`);
  };

  const focusRow = (key: string) =>
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(`[data-field-key="${key}"]`)?.focus(),
    );

  return (
    <section class="field-list" aria-labelledby="fields-heading">
      <header class="section-head">
        <h3 id="fields-heading">Fields</h3>
        {readOnly ? null : (
          <button type="button" class="small" onClick={props.onAdd}>
            + Add field
          </button>
        )}
      </header>
      {fields.length === 0 ? <p class="empty">No fields yet.</p> : null}
      <ol class="fields" aria-label="Fields in declaration order">
        {fields.map((field, index) => {
          const classes = ["field-row"];
          if (field.key === props.selected) classes.push("selected");
          if (field.key === dragging) classes.push("dragging");
          if (field.key === over && dragging && dragging !== field.key) classes.push("drop-target");
          if (props.invalid.has(field.key)) classes.push("has-error");
          return (
            <li
              key={field.key}
              class={classes.join(" ")}
              data-field={field.name}
              data-field-key={field.key}
              tabIndex={0}
              aria-current={field.key === props.selected ? "true" : undefined}
              draggable={!readOnly}
              onClick={() => props.onSelect(field.key)}
              onKeyDown={(e) => {
                if (e.target !== e.currentTarget) return;
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  props.onSelect(field.key);
                } else if (
                  e.altKey &&
                  !readOnly &&
                  (e.key === "ArrowUp" || e.key === "ArrowDown")
                ) {
                  e.preventDefault();
                  moveTo(index, index + (e.key === "ArrowUp" ? -1 : 1));
                  focusRow(field.key);
                } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
                  e.preventDefault();
                  const next = fields[index + (e.key === "ArrowUp" ? -1 : 1)];
                  if (next) focusRow(next.key);
                }
              }}
              onDragStart={(e) => {
                if (!e.dataTransfer) return;
                e.dataTransfer.effectAllowed = "move";
                e.dataTransfer.setData("text/plain", field.key);
                setDragging(field.key);
              }}
              onDragEnter={(e) => {
                if (dragging) {
                  e.preventDefault();
                  setOver(field.key);
                }
              }}
              onDragOver={(e) => {
                if (!dragging) return;
                e.preventDefault();
                if (e.dataTransfer) e.dataTransfer.dropEffect = "move";
                if (over !== field.key) setOver(field.key);
              }}
              onDrop={(e) => {
                e.preventDefault();
                const key = dragging ?? e.dataTransfer?.getData("text/plain");
                const from = fields.findIndex((f) => f.key === key);
                if (from >= 0) moveTo(from, index);
                setDragging(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragging(null);
                setOver(null);
              }}
            >
              {readOnly ? null : (
                <span class="handle" aria-hidden="true" title="Drag to reorder">
                  ⠿
                </span>
              )}
              <span class="field-text">
                <span class="field-name">{field.name}</span>
                <span class="field-type">
                  {summary(field)}
                  {field.has_default ? null : <span class="badge">required</span>}
                </span>
              </span>
              {readOnly ? null : (
                <span class="row-actions">
                  <button
                    type="button"
                    class="icon"
                    aria-label={`Move ${field.name} up`}
                    disabled={index === 0}
                    onClick={(e) => {
                      e.stopPropagation();
                      moveTo(index, index - 1);
                    }}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon"
                    aria-label={`Move ${field.name} down`}
                    disabled={index === fields.length - 1}
                    onClick={(e) => {
                      e.stopPropagation();
                      moveTo(index, index + 1);
                    }}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="icon danger"
                    aria-label={`Remove ${field.name}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      props.onRemove(field.key);
                    }}
                  >
                    ×
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {readOnly || fields.length < 2 ? null : (
        <p class="hint">
          Drag a field onto another to move it there, or use ↑ ↓ (Alt+↑/↓ on a row).
        </p>
      )}
    </section>
  );
}
