// The editor's working copy of a DocType. Fields carry a client-side key (stable across renames and
// moves, for rendering, drag and drop and error placement) and `previous_name`, the name each field
// had when the DocType was read: that is how the API tells a rename from a drop and an add.
import type {
  ConstraintName,
  Constraints,
  DocTypeModel,
  FieldModel,
  FieldType,
  MetaModel,
} from "./types";
import { isExpr } from "./types";

export interface DraftField extends FieldModel {
  key: string;
}

export interface Draft extends Omit<DocTypeModel, "fields"> {
  fields: DraftField[];
}

let counter = 0;
export const newKey = (): string => `f${++counter}`;

/** Kinds whose default can be typed in as a value (others take None or keep a Python expression). */
export const VALUE_KINDS = new Set(["data", "select", "int", "float", "bool", "decimal"]);

/** Kinds whose "no value" default is an empty container rather than None. */
export const EMPTY_KINDS = new Set(["table", "json"]);

export function emptyConstraints(): Constraints {
  return {
    min_length: null,
    max_length: null,
    pattern: null,
    gt: null,
    ge: null,
    lt: null,
    le: null,
    max_digits: null,
    decimal_places: null,
  };
}

export function emptyMeta(): MetaModel {
  return {
    api_resource: false,
    naming: null,
    is_submittable: false,
    track_changes: false,
    title_field: null,
    search_fields: [],
    indexes: [],
    unique_together: [],
    label: null,
    description: null,
    permissions: [],
    other: {},
  };
}

/** A DocType as read: every field remembers its name as `previous_name`. */
export function draftOf(doctype: DocTypeModel): Draft {
  return {
    ...structuredClone(doctype),
    fields: doctype.fields.map((f) => ({
      ...structuredClone(f),
      key: newKey(),
      previous_name: f.name,
    })),
  };
}

export function newDraft(name: string, isChild: boolean): Draft {
  return { name, is_child: isChild, docstring: null, fields: [], meta: emptyMeta() };
}

/** The schema as the API takes it (keys dropped). */
export function modelOf(draft: Draft): DocTypeModel {
  return { ...draft, fields: draft.fields.map(({ key: _key, ...field }) => field) };
}

export function newField(existing: DraftField[]): DraftField {
  const names = new Set(existing.map((f) => f.name));
  let n = 1;
  while (names.has(`new_field_${n}`)) n += 1;
  // Optional by default: a required column cannot be added to a table that already has rows.
  return {
    key: newKey(),
    name: `new_field_${n}`,
    type: "data",
    nullable: true,
    has_default: true,
    default: null,
    default_factory: null,
    label: null,
    description: null,
    link: null,
    child: null,
    options: [],
    fetch_from: null,
    constraints: emptyConstraints(),
    annotation: null,
    previous_name: null,
  };
}

/** How a type is stored: built-in types are their own kind; registered ones say theirs. */
export function kindOf(type: string, types: FieldType[]): string {
  return types.find((t) => t.key === type)?.kind ?? type;
}

/** The constraints a type takes, as the server lists them (/field-types). */
export function constraintsOf(type: string, types: FieldType[]): ConstraintName[] {
  return types.find((t) => t.key === type)?.constraints ?? [];
}

/** A field moved to another type: what only the old type could hold is dropped. */
export function withType(field: DraftField, type: string, types: FieldType[]): DraftField {
  const kind = kindOf(type, types);
  const allowed = constraintsOf(type, types);
  const kept = Object.fromEntries(allowed.map((name) => [name, field.constraints[name]]));
  const constraints: Constraints = { ...emptyConstraints(), ...kept };
  const next: DraftField = {
    ...field,
    type,
    link: type === "link" ? field.link : null,
    child: type === "table" ? field.child : null,
    options: type === "select" ? field.options : [],
    constraints,
    annotation: null,
  };
  if (EMPTY_KINDS.has(kind)) {
    return { ...next, nullable: false, has_default: true, default: null, default_factory: null };
  }
  if (next.has_default && !isExpr(next.default) && next.default !== null) {
    const keep = VALUE_KINDS.has(kind) && typeof next.default === defaultJsType(kind);
    if (!keep) return { ...next, default: null, nullable: true };
  }
  return next;
}

function defaultJsType(kind: string): string {
  if (kind === "int" || kind === "float") return "number";
  if (kind === "bool") return "boolean";
  return "string";
}

export function move<T>(items: T[], from: number, to: number): T[] {
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  if (item === undefined) return items;
  copy.splice(to, 0, item);
  return copy;
}

/** Empty text inputs mean "not set". */
export const orNull = (text: string): string | null => (text.trim() === "" ? null : text);
