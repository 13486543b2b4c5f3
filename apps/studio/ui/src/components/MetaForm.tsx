// The DocType's `class Meta`: API exposure, naming, submission, titles and search, indexes and
// the permission rules (role × actions × own/all rows). Options Studio does not model are listed as
// the Python they are; a role given by a constant is shown as that constant and kept.
import { useState } from "preact/hooks";
import type { Draft } from "../draft";
import { orNull } from "../draft";
import type { Action, MetaModel, PermissionModel } from "../types";
import { ACTIONS, isExpr } from "../types";
import { Checkbox, Code, Messages, Select, TextInput } from "./inputs";

interface Props {
  draft: Draft;
  readOnly: boolean;
  issues: Record<string, string[]>;
  docstringIssues?: string[] | undefined;
  onChange: (draft: Draft) => void;
}

const groupsText = (groups: string[][]): string => groups.map((g) => g.join(", ")).join("\n");
const groupsOf = (text: string): string[][] =>
  text
    .split("\n")
    .map((line) =>
      line
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    )
    .filter((g) => g.length > 0);

export function MetaForm({ draft, readOnly, issues, docstringIssues, onChange }: Props) {
  const meta = draft.meta;
  const set = (changes: Partial<MetaModel>) =>
    onChange({ ...draft, meta: { ...meta, ...changes } });
  const [indexes, setIndexes] = useState(groupsText(meta.indexes));
  const [unique, setUnique] = useState(groupsText(meta.unique_together));
  const names = draft.fields.map((f) => f.name);
  const known = new Set(["name", ...names]);
  const shown = new Set(["_", "label", "description", "naming", "title_field", "search_fields"]);
  const others = Object.entries(issues)
    .filter(
      ([k]) => !shown.has(k) && k !== "permissions" && k !== "indexes" && k !== "unique_together",
    )
    .flatMap(([, v]) => v);

  return (
    <section class="meta-form" aria-labelledby="meta-heading">
      <h3 id="meta-heading">Meta and permissions</h3>
      <Messages messages={[...(issues["_"] ?? []), ...others]} />
      {draft.is_child ? (
        <p class="hint">
          A child DocType is stored with its parent document and is reached through it: the parent's
          API and permissions apply.
        </p>
      ) : null}
      <fieldset disabled={readOnly}>
        <div class="grid-2">
          <TextInput
            label="Label"
            value={meta.label}
            placeholder={draft.name}
            messages={issues["label"]}
            onChange={(v) => set({ label: orNull(v) })}
          />
          <TextInput
            label="Naming"
            value={meta.naming}
            placeholder="uuid, field:title, TASK-.#####"
            monospace
            messages={issues["naming"]}
            onChange={(v) => set({ naming: orNull(v.trim()) })}
          />
        </div>
        <TextInput
          label="Description"
          value={meta.description}
          multiline
          messages={issues["description"]}
          onChange={(v) => set({ description: orNull(v) })}
        />
        <TextInput
          label="Docstring"
          value={draft.docstring}
          multiline
          messages={docstringIssues}
          onChange={(v) => onChange({ ...draft, docstring: orNull(v) })}
        />
        <div class="grid-3">
          <Checkbox
            label="API resource"
            checked={meta.api_resource}
            hint="Serve /api/v1/<DocType> (create, read, update, delete)."
            messages={issues["api_resource"]}
            onChange={(api_resource) => set({ api_resource })}
          />
          <Checkbox
            label="Submittable"
            checked={meta.is_submittable}
            hint="Documents are drafts until submitted; then fixed."
            messages={issues["is_submittable"]}
            onChange={(is_submittable) => set({ is_submittable })}
          />
          <Checkbox
            label="Track changes"
            checked={meta.track_changes}
            hint="Keep a version history of every change."
            messages={issues["track_changes"]}
            onChange={(track_changes) => set({ track_changes })}
          />
        </div>
        <Select
          label="Title field"
          value={meta.title_field ?? ""}
          choices={[
            { value: "", label: "— none —" },
            ...[...known].map((n) => ({ value: n, label: n })),
            ...(meta.title_field && !known.has(meta.title_field)
              ? [{ value: meta.title_field, label: `${meta.title_field} (unknown)` }]
              : []),
          ]}
          messages={issues["title_field"]}
          onChange={(v) => set({ title_field: orNull(v) })}
        />
        <fieldset class="group">
          <legend>Search fields</legend>
          <div class="checks">
            {[...new Set([...names, ...meta.search_fields])].map((n) => (
              <Checkbox
                key={n}
                label={n}
                checked={meta.search_fields.includes(n)}
                onChange={(on) =>
                  set({
                    search_fields: on
                      ? [...meta.search_fields, n]
                      : meta.search_fields.filter((s) => s !== n),
                  })
                }
              />
            ))}
          </div>
          <Messages messages={issues["search_fields"]} />
        </fieldset>
        <div class="grid-2">
          <TextInput
            label="Indexes (one per line, fields separated by commas)"
            value={indexes}
            multiline
            monospace
            messages={issues["indexes"]}
            onChange={(text) => {
              setIndexes(text);
              set({ indexes: groupsOf(text) });
            }}
          />
          <TextInput
            label="Unique together (one group per line)"
            value={unique}
            multiline
            monospace
            messages={issues["unique_together"]}
            onChange={(text) => {
              setUnique(text);
              set({ unique_together: groupsOf(text) });
            }}
          />
        </div>
        <Permissions
          permissions={meta.permissions}
          messages={issues["permissions"]}
          onChange={(permissions) => set({ permissions })}
        />
        {Object.keys(meta.other).length > 0 ? (
          <fieldset class="group">
            <legend>Other options (kept as written)</legend>
            <dl class="other">
              {Object.entries(meta.other).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>
                    <Code source={v.source} />
                  </dd>
                </div>
              ))}
            </dl>
          </fieldset>
        ) : null}
      </fieldset>
    </section>
  );
}

function Permissions({
  permissions,
  messages,
  onChange,
}: {
  permissions: MetaModel["permissions"];
  messages?: string[] | undefined;
  onChange: (permissions: PermissionModel[]) => void;
}) {
  if (isExpr(permissions)) {
    return (
      <fieldset class="group">
        <legend>Permissions</legend>
        <p>
          Given in code as <Code source={permissions.source} />: edit them there.
        </p>
      </fieldset>
    );
  }
  const update = (index: number, rule: PermissionModel) =>
    onChange(permissions.map((r, i) => (i === index ? rule : r)));
  return (
    <fieldset class="group permissions">
      <legend>Permissions</legend>
      <p class="hint">
        Nothing is allowed unless a rule grants it. "Own rows" limits a role to documents its users
        created.
      </p>
      <Messages messages={messages} />
      <table>
        <thead>
          <tr>
            <th scope="col">Role</th>
            {ACTIONS.map((a) => (
              <th scope="col" key={a}>
                {a}
              </th>
            ))}
            <th scope="col">Rows</th>
            <th scope="col">
              <span class="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {permissions.map((rule, index) => {
            const roleName = isExpr(rule.role) ? rule.role.source : rule.role;
            return (
              <tr key={index} data-rule={index}>
                <td>
                  {isExpr(rule.role) ? (
                    <Code source={rule.role.source} />
                  ) : (
                    <input
                      type="text"
                      aria-label={`Role of rule ${index + 1}`}
                      value={rule.role}
                      placeholder="Role name"
                      onInput={(e) => update(index, { ...rule, role: e.currentTarget.value })}
                    />
                  )}
                </td>
                {ACTIONS.map((action: Action) => (
                  <td key={action}>
                    <input
                      type="checkbox"
                      aria-label={`${roleName || `Rule ${index + 1}`} may ${action}`}
                      checked={rule.actions.includes(action)}
                      onChange={(e) =>
                        update(index, {
                          ...rule,
                          actions: e.currentTarget.checked
                            ? ACTIONS.filter((a) => a === action || rule.actions.includes(a))
                            : rule.actions.filter((a) => a !== action),
                        })
                      }
                    />
                  </td>
                ))}
                <td>
                  <select
                    aria-label={`Rows rule ${index + 1} applies to`}
                    value={rule.rows}
                    onChange={(e) =>
                      update(index, { ...rule, rows: e.currentTarget.value as "all" | "own" })
                    }
                  >
                    <option value="all">All rows</option>
                    <option value="own">Own rows</option>
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    class="icon danger"
                    aria-label={`Remove rule ${index + 1}`}
                    onClick={() => onChange(permissions.filter((_, i) => i !== index))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        class="small"
        onClick={() => onChange([...permissions, { role: "", actions: ["read"], rows: "all" }])}
      >
        + Add rule
      </button>
    </fieldset>
  );
}
