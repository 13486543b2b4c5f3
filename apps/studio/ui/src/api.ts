// Studio's JSON API. Every failure becomes an ApiError carrying the problem+json body, so views can
// place validation messages next to the fields they concern and show a 409's file on disk.
import type {
  AppListing,
  DocTypeModel,
  DocTypeView,
  FieldTypes,
  Preview,
  Problem,
  ProjectInfo,
} from "./types";

const BASE = "/studio/api";

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  get isConflict(): boolean {
    return this.problem.status === 409 && this.problem.source !== undefined;
  }
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: "application/json" } };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(BASE + path, init);
  } catch (exc) {
    if (exc instanceof DOMException && exc.name === "AbortError") throw exc;
    throw new ApiError({
      status: 0,
      code: "unreachable",
      detail: "Studio's server did not answer: is `m studio` still running?",
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const problem: Problem =
      typeof data === "object" && data !== null
        ? { ...(data as Problem), status: response.status }
        : { status: response.status, code: "http_error", detail: text || response.statusText };
    throw new ApiError(problem);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  project: () => request<ProjectInfo>("GET", "/project"),
  doctypes: (q: string) => request<AppListing[]>("GET", `/doctypes?q=${enc(q)}`),
  read: (name: string) => request<DocTypeView>("GET", `/doctypes/${enc(name)}`),
  create: (app: string, doctype: DocTypeModel) =>
    request<DocTypeView>("POST", "/doctypes", { app, doctype }),
  update: (name: string, etag: string, doctype: DocTypeModel) =>
    request<DocTypeView>("PUT", `/doctypes/${enc(name)}`, { etag, doctype }),
  remove: (name: string, etag: string) =>
    request<void>("DELETE", `/doctypes/${enc(name)}?etag=${enc(etag)}`),
  fieldTypes: () => request<FieldTypes>("GET", "/field-types"),
  preview: (doctype: DocTypeModel, where: { app?: string; etag?: string }, signal?: AbortSignal) =>
    request<Preview>("POST", "/preview", { doctype, ...where }, signal),
};
