// Drives the generated TypeScript client (copied next to this file as client.ts) through the demo
// CRM. test_codegen_client.py compiles both with tsc --strict and runs the result with Node:
// `node journey.js BASE_URL` prints "journey ok".
import { ApiError, Client, type SalesInvoice } from "./client.js";

declare const process: { argv: string[] };

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

async function refused(status: number, code: string, call: () => Promise<unknown>): Promise<ApiError> {
  try {
    await call();
  } catch (error) {
    check(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    const problem = error as ApiError;
    check(problem.status === status && problem.code === code, `${problem.message}`);
    check(problem.requestId !== undefined, "every problem carries a request id");
    return problem;
  }
  throw new Error(`expected ${status} ${code}`);
}

const api = new Client(process.argv[2] ?? "");
await api.signIn("sales@example.com", "demo-password");
check(api.token !== undefined, "signIn keeps the access token");

const acme = await api.getCustomer("Acme Corporation");
const found = await api.listItem({ filters: JSON.stringify({ item_code: "CONS-HR" }), fields: "id" });
const items = found["items"] as { id: string }[];

const draft: SalesInvoice = {
  customer: acme.id ?? "",
  posting_date: "2026-11-22",
  items: [{ item: items[0]?.id ?? "", qty: "2" }],
};
const invoice = await api.createSalesInvoice(draft);
const name = invoice.name ?? "";
check(invoice.status === "Draft" && invoice.grand_total === "240.00", JSON.stringify(invoice));

const page = await api.listSalesInvoice({
  filters: JSON.stringify([["status", "=", "Draft"]]),
  fields: "name",
  limit: 50,
});
check((page["items"] as { name: string }[]).some((row) => row.name === name), "listed");

const updated = await api.updateSalesInvoice(name, { remarks: "from TypeScript", version: invoice.version });
check(updated.version === (invoice.version ?? 0) + 1, "the version moves on");
await refused(409, "version_conflict", () =>
  api.updateSalesInvoice(name, { remarks: "stale", version: invoice.version }),
);

const invalid = await refused(422, "validation", () =>
  api.createSalesInvoice({ customer: acme.id ?? "", posting_date: "2026-11-22" }),
);
check(JSON.stringify(invalid.errors.map((e) => e.loc)) === '[["items"]]', "the field at fault");

const submitted = await api.submitSalesInvoice(name);
check(submitted.docstatus === 1 && submitted.status === "Unpaid", "submitted");
await refused(403, "permission_denied", () => api.deleteSalesInvoice(name));

console.log("journey ok");
