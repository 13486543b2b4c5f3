// Create a DocType: the app it goes into (only apps whose sources are in the project), its class
// name and whether it is a child DocType (the rows of a table field in another DocType).
import { useState } from "preact/hooks";
import type { AppListing } from "../types";
import { Checkbox, Select, TextInput } from "./inputs";
import { Modal } from "./Modal";

const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function NewDocTypeDialog(props: {
  apps: AppListing[];
  existing: Set<string>;
  onCancel: () => void;
  onCreate: (app: string, name: string, isChild: boolean) => void;
}) {
  const editable = props.apps.filter((a) => a.editable);
  const [app, setApp] = useState(editable[0]?.app ?? "");
  const [name, setName] = useState("");
  const [isChild, setIsChild] = useState(false);
  const [tried, setTried] = useState(false);
  const problem =
    name === ""
      ? "Give the DocType a name."
      : !CLASS_NAME.test(name)
        ? "Use CamelCase letters and digits, starting with a capital (e.g. SalesOrder)."
        : props.existing.has(name)
          ? `There is already a DocType ${name}.`
          : null;
  return (
    <Modal title="New DocType" onClose={props.onCancel}>
      {editable.length === 0 ? (
        <p>
          No app of this project can be edited: Studio writes only into apps whose sources are in
          the project directory (install yours with <code>pip install -e</code>).
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (problem === null && app) props.onCreate(app, name, isChild);
          }}
        >
          <Select
            label="App"
            value={app}
            choices={editable.map((a) => ({ value: a.app, label: `${a.app} (${a.package})` }))}
            onChange={setApp}
          />
          <TextInput
            label="DocType name"
            value={name}
            placeholder="SalesOrder"
            monospace
            messages={tried && problem ? [problem] : undefined}
            onChange={(v) => setName(v.trim())}
          />
          <Checkbox
            label="Child DocType"
            checked={isChild}
            hint="Rows of a table field in another DocType (e.g. the lines of an order)."
            onChange={setIsChild}
          />
          <div class="actions">
            <button type="submit" class="primary">
              Create
            </button>
            <button type="button" onClick={props.onCancel}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
