// The selected field's properties. Every change goes straight into the draft (and so into the live
// preview); the API's validation messages show next to the property they concern.
import { useState } from "preact/hooks";
import type { DraftField } from "../draft";
import {
  EMPTY_KINDS,
  constraintsOf,
  VALUE_KINDS,
  kindOf,
  orNull,
  withType,
} from "../draft";
import type { ConstraintName, DocTypeSummary, FieldType } from "../types";
import { isExpr } from "../types";
import type { Choice } from "./inputs";
import { Checkbox, Code, Messages, NumberInput, Select, TextInput } from "./inputs";

interface Props {
  field: DraftField;
  types: FieldType[];
  doctypes: DocTypeSummary[];
  readOnly: boolean;
  issues: Record<string, string[]>;
  onChange: (field: DraftField) => void;
}

const CONSTRAINT_LABELS: Record<ConstraintName, string> = {
  min_length: "Min length",
  max_length: "Max length",
  pattern: "Pattern (regex)",
  gt: "Greater than",
  ge: "At least",
  lt: "Less than",
  le: "At most",
  max_digits: "Max digits",
  decimal_places: "Decimal places",
};

const SHOWN = new Set(["_", "name", "type", "label", "description", "link", "child", "options"]);

function initialValue(kind: string, field: DraftField): string | number | boolean {
  if (kind === "int" || kind === "float") return 0;
  if (kind === "bool") return false;
  if (kind === "decimal") return "0";
  if (kind === "select") return field.options[0] ?? "";
  return "";
}

export function FieldForm({ field, types, doctypes, readOnly, issues, onChange }: Props) {
  const [optionsText, setOptionsText] = useState(field.options.join("\n"));
  const set = (changes: Partial<DraftField>) => onChange({ ...field, ...changes });
  const kind = kindOf(field.type, types);
  const at = (key: string) => issues[key];
  const disabled = readOnly;

  const typeChoices: Choice[] = types.map((t) => ({
    value: t.key,
    label: t.key === t.label.toLowerCase() ? t.label : `${t.label} (${t.key})`,
    group: t.source === "framework" ? "Built-in" : `From ${t.source}`,
  }));
  if (field.type === "python" || !types.some((t) => t.key === field.type)) {
    typeChoices.unshift({
      value: field.type,
      label: `${field.type} (as written)`,
      group: "Built-in",
    });
  }
  const childChoices: Choice[] = [
    { value: "", label: "— choose a child DocType —" },
    ...doctypes.filter((d) => d.is_child).map((d) => ({ value: d.name, label: d.name })),
  ];
  if (field.child && !childChoices.some((c) => c.value === field.child)) {
    childChoices.push({ value: field.child, label: field.child });
  }
  const others = Object.entries(issues)
    .filter(([k]) => !SHOWN.has(k) && !k.startsWith("constraints") && !k.startsWith("default"))
    .flatMap(([, v]) => v);
  const defaultIssues = Object.entries(issues)
    .filter(([k]) => k.startsWith("default") || k === "nullable" || k === "has_default")
    .flatMap(([, v]) => v);

  return (
    <section class="field-form" aria-labelledby="field-form-heading">
      <h3 id="field-form-heading">
        Field <code>{field.name}</code>
      </h3>
      <Messages messages={[...(at("_") ?? []), ...others]} />
      <fieldset disabled={disabled}>
        <div class="grid-2">
          <TextInput
            label="Name"
            value={field.name}
            monospace
            messages={at("name")}
            hint={
              field.previous_name && field.previous_name !== field.name
                ? `Renamed from ${field.previous_name}: the migration will rename the column.`
                : undefined
            }
            onChange={(name) => set({ name })}
          />
          <Select
            label="Type"
            value={field.type}
            choices={typeChoices}
            messages={at("type")}
            onChange={(type) => {
              const next = withType(field, type, types);
              if (type === "select") setOptionsText(next.options.join("\n"));
              onChange(next);
            }}
          />
        </div>
        {field.annotation ? (
          <p class="hint">
            Written as <Code source={field.annotation} />: Studio keeps this type as it is.
          </p>
        ) : null}
        <p class="hint">{types.find((t) => t.key === field.type)?.description}</p>
        <div class="grid-2">
          <TextInput
            label="Label"
            value={field.label}
            messages={at("label")}
            onChange={(v) => set({ label: orNull(v) })}
          />
          <TextInput
            label="Fetch from"
            value={field.fetch_from}
            placeholder="link_field.target_field"
            monospace
            messages={at("fetch_from")}
            onChange={(v) => set({ fetch_from: orNull(v) })}
          />
        </div>
        <TextInput
          label="Description"
          value={field.description}
          multiline
          messages={at("description")}
          onChange={(v) => set({ description: orNull(v) })}
        />

        {field.type === "link" ? (
          <TextInput
            label="Link to DocType"
            value={field.link}
            list="studio-doctype-names"
            placeholder="e.g. User"
            monospace
            messages={at("link")}
            onChange={(v) => set({ link: orNull(v.trim()) })}
          />
        ) : null}
        {field.type === "table" ? (
          <Select
            label="Child DocType"
            value={field.child ?? ""}
            choices={childChoices}
            messages={at("child")}
            onChange={(v) => set({ child: orNull(v) })}
          />
        ) : null}
        {field.type === "select" ? (
          <TextInput
            label="Options (one per line)"
            value={optionsText}
            multiline
            messages={at("options")}
            onChange={(text) => {
              setOptionsText(text);
              const options = text
                .split("\n")
                .map((o) => o.trim())
                .filter((o) => o !== "");
              const stale = typeof field.default === "string" && !options.includes(field.default);
              set({ options, ...(stale ? { default: options[0] ?? "" } : {}) });
            }}
          />
        ) : null}

        <fieldset class="group">
          <legend>Value</legend>
          <div class="grid-2">
            <Checkbox
              label="Required"
              checked={!field.has_default}
              hint="A value must be given when a document is created."
              onChange={(required) =>
                set(
                  required
                    ? { has_default: false, default: null, default_factory: null, nullable: false }
                    : {
                        has_default: true,
                        default: null,
                        default_factory: null,
                        nullable: !EMPTY_KINDS.has(kind),
                      },
                )
              }
            />
            {EMPTY_KINDS.has(kind) ? null : (
              <Checkbox
                label="Nullable"
                checked={field.nullable}
                hint="The field may hold None."
                onChange={(nullable) =>
                  set(
                    !nullable &&
                      field.has_default &&
                      field.default === null &&
                      !field.default_factory
                      ? { nullable, has_default: false }
                      : { nullable },
                  )
                }
              />
            )}
          </div>
          {field.has_default ? <DefaultEditor field={field} kind={kind} set={set} /> : null}
          <Messages messages={defaultIssues} />
        </fieldset>

        {constraintsOf(field.type, types).length > 0 ? (
          <fieldset class="group">
            <legend>Constraints</legend>
            <Messages messages={at("constraints")} />
            <div class="grid-3">
              {constraintsOf(field.type, types).map((name) =>
                name === "pattern" ? (
                  <TextInput
                    key={name}
                    label={CONSTRAINT_LABELS[name]}
                    value={field.constraints.pattern}
                    monospace
                    messages={at(`constraints.${name}`)}
                    onChange={(v) =>
                      set({ constraints: { ...field.constraints, pattern: orNull(v) } })
                    }
                  />
                ) : (
                  <NumberInput
                    key={name}
                    label={CONSTRAINT_LABELS[name]}
                    value={field.constraints[name] as number | null}
                    integer={!(field.type === "float" && ["gt", "ge", "lt", "le"].includes(name))}
                    messages={at(`constraints.${name}`)}
                    onChange={(v) => set({ constraints: { ...field.constraints, [name]: v } })}
                  />
                ),
              )}
            </div>
          </fieldset>
        ) : null}
      </fieldset>
    </section>
  );
}

function DefaultEditor({
  field,
  kind,
  set,
}: {
  field: DraftField;
  kind: string;
  set: (changes: Partial<DraftField>) => void;
}) {
  const expression = field.default_factory ?? (isExpr(field.default) ? field.default : null);
  if (expression) {
    return (
      <div class="default-expr">
        <span class="label-text">
          Default {field.default_factory ? "factory" : "value"} (Python, kept as written)
        </span>
        <Code source={expression.source} />
        <button
          type="button"
          class="small"
          onClick={() =>
            set({ default: null, default_factory: null, nullable: !EMPTY_KINDS.has(kind) })
          }
        >
          Replace with None
        </button>
      </div>
    );
  }
  if (EMPTY_KINDS.has(kind)) {
    return <p class="hint">Defaults to empty ({kind === "table" ? "no rows" : "{}"}).</p>;
  }
  const value = field.default as string | number | boolean | null;
  const canHoldValue = VALUE_KINDS.has(kind);
  const mode = value === null ? "none" : "value";
  return (
    <div class="grid-2">
      <Select
        label="Default"
        value={mode}
        choices={[
          { value: "none", label: "None" },
          ...(canHoldValue ? [{ value: "value", label: "A value" }] : []),
        ]}
        onChange={(m) =>
          set(
            m === "none"
              ? { default: null, nullable: true }
              : { default: initialValue(kind, field) },
          )
        }
      />
      {mode === "value" && kind === "bool" ? (
        <Select
          label="Default value"
          value={String(value)}
          choices={[
            { value: "true", label: "True" },
            { value: "false", label: "False" },
          ]}
          onChange={(v) => set({ default: v === "true" })}
        />
      ) : null}
      {mode === "value" && kind === "select" ? (
        <Select
          label="Default value"
          value={String(value)}
          choices={field.options.map((o) => ({ value: o, label: o }))}
          onChange={(v) => set({ default: v })}
        />
      ) : null}
      {mode === "value" && (kind === "int" || kind === "float") ? (
        <NumberInput
          label="Default value"
          value={typeof value === "number" ? value : null}
          integer={kind === "int"}
          onChange={(v) => set({ default: v ?? 0 })}
        />
      ) : null}
      {mode === "value" && (kind === "data" || kind === "decimal") ? (
        <TextInput
          label="Default value"
          value={String(value)}
          monospace={kind === "decimal"}
          onChange={(v) => set({ default: v })}
        />
      ) : null}
    </div>
  );
}
