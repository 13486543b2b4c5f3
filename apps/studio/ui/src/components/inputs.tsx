// Labelled form controls: each label names its control (for="…"), and the API's messages for
// that control show right under it.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

export function Messages({ messages }: { messages?: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul class="messages" role="alert">
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

interface Base {
  label: string;
  hint?: string;
  messages?: string[] | undefined;
  disabled?: boolean;
}

function Frame(props: Base & { id: string; children: ComponentChildren; inline?: boolean }) {
  const invalid = props.messages && props.messages.length > 0;
  const label = (
    <label for={props.id} class="label-text">
      {props.label}
    </label>
  );
  return (
    <div class={`control${props.inline ? " inline" : ""}${invalid ? " invalid" : ""}`}>
      {props.inline ? (
        <div class="inline-row">
          {props.children}
          {label}
        </div>
      ) : (
        <>
          {label}
          {props.children}
        </>
      )}
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <Messages messages={props.messages} />
    </div>
  );
}

export function TextInput(
  props: Base & {
    value: string | null;
    onChange: (value: string) => void;
    placeholder?: string;
    list?: string;
    multiline?: boolean;
    monospace?: boolean;
  },
) {
  const id = useId();
  const common = {
    id,
    value: props.value ?? "",
    placeholder: props.placeholder,
    disabled: props.disabled,
    "aria-invalid": props.messages && props.messages.length > 0 ? true : undefined,
    class: props.monospace ? "mono" : undefined,
    onInput: (e: Event) => props.onChange((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <Frame {...props} id={id}>
      {props.multiline ? (
        <textarea rows={3} {...common} />
      ) : (
        <input type="text" spellcheck={false} list={props.list} {...common} />
      )}
    </Frame>
  );
}

export function NumberInput(
  props: Base & {
    value: number | null;
    onChange: (value: number | null) => void;
    integer?: boolean;
  },
) {
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <input
        id={id}
        type="number"
        step={props.integer ? 1 : "any"}
        value={props.value ?? ""}
        disabled={props.disabled}
        onInput={(e) => {
          const text = e.currentTarget.value;
          if (text === "") return props.onChange(null);
          const n = props.integer ? Number.parseInt(text, 10) : Number(text);
          if (!Number.isNaN(n)) props.onChange(n);
        }}
      />
    </Frame>
  );
}

export function Checkbox(props: Base & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <Frame {...props} id={id} inline>
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
    </Frame>
  );
}

export interface Choice {
  value: string;
  label: string;
  group?: string;
}

export function Select(
  props: Base & {
    value: string;
    choices: Choice[];
    onChange: (value: string) => void;
  },
) {
  const groups = [...new Set(props.choices.map((c) => c.group ?? ""))];
  const option = (c: Choice) => (
    <option key={c.value} value={c.value}>
      {c.label}
    </option>
  );
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {groups.length <= 1
          ? props.choices.map(option)
          : groups.map((g) => (
              <optgroup key={g} label={g}>
                {props.choices.filter((c) => (c.group ?? "") === g).map(option)}
              </optgroup>
            ))}
      </select>
    </Frame>
  );
}

/** Python source Studio keeps as written: shown, not editable. */
export function Code({ source }: { source: string }) {
  return <code class="expr">{source}</code>;
}
