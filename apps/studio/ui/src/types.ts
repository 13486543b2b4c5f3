// The shapes of Studio's JSON API (framework_m_studio.model, .workspace and .server). Kept by hand:
// the Python models are the contract, these mirror them field for field.

/** Python source Studio keeps verbatim (a constant, a call): shown, never edited. */
export interface Expr {
  source: string;
}

export type Scalar = string | number | boolean;

export interface Constraints {
  min_length: number | null;
  max_length: number | null;
  pattern: string | null;
  gt: number | null;
  ge: number | null;
  lt: number | null;
  le: number | null;
  max_digits: number | null;
  decimal_places: number | null;
}

export type ConstraintName = keyof Constraints;

export interface FieldModel {
  name: string;
  type: string;
  nullable: boolean;
  has_default: boolean;
  default: Scalar | Expr | null;
  default_factory: Expr | null;
  label: string | null;
  description: string | null;
  link: string | null;
  child: string | null;
  options: string[];
  fetch_from: string | null;
  constraints: Constraints;
  annotation: string | null;
  previous_name: string | null;
}

export const ACTIONS = ["read", "write", "create", "delete", "submit", "cancel", "amend"] as const;
export type Action = (typeof ACTIONS)[number];

export interface PermissionModel {
  role: string | Expr;
  actions: Action[];
  rows: "all" | "own";
}

export interface MetaModel {
  api_resource: boolean;
  naming: string | null;
  is_submittable: boolean;
  track_changes: boolean;
  title_field: string | null;
  search_fields: string[];
  indexes: string[][];
  unique_together: string[][];
  label: string | null;
  description: string | null;
  permissions: PermissionModel[] | Expr;
  other: Record<string, Expr>;
}

export interface DocTypeModel {
  name: string;
  is_child: boolean;
  docstring: string | null;
  fields: FieldModel[];
  meta: MetaModel;
}

export interface MethodModel {
  name: string;
  kind: "hook" | "whitelisted" | "other";
  is_async: boolean;
  docstring: string | null;
}

export interface ControllerModel {
  name: string;
  doctype: string;
  methods: MethodModel[];
}

export interface DocTypeSummary {
  name: string;
  label: string;
  is_child: boolean;
  module: string;
  path: string;
  fields: number;
}

export interface AppListing {
  app: string;
  package: string;
  editable: boolean;
  doctypes: DocTypeSummary[];
}

export interface ProjectInfo {
  root: string;
  apps: AppListing[];
  problems: string[];
}

export interface FieldType {
  key: string;
  label: string;
  kind: string;
  annotation: string;
  imports: [string, string][];
  source: string;
  description: string;
  constraints: ConstraintName[];
}

export interface FieldTypes {
  types: FieldType[];
  problems: string[];
}

export type Rename = [string, string];

export interface DocTypeView {
  app: string;
  module: string;
  path: string;
  etag: string;
  editable: boolean;
  doctype: DocTypeModel;
  controller: ControllerModel | null;
  source: string;
  renames: Rename[];
}

export interface Preview {
  path: string;
  source: string;
  diff: string;
  renames: Rename[];
  app_path: string | null;
  app_source: string | null;
}

export interface ProblemItem {
  loc: (string | number)[];
  message: string;
}

/** RFC 9457 problem+json as the framework writes it; a 409 "conflict" carries the file on disk. */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail: string;
  errors?: ProblemItem[];
  path?: string;
  etag?: string;
  source?: string;
}

export function isExpr(value: unknown): value is Expr {
  return typeof value === "object" && value !== null && "source" in value;
}
