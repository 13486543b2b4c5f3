// A modal dialog: labelled by its title, focus moved into it on open, Escape closes it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>(
      "input, select, textarea, button:not(.close)",
    );
    first?.focus();
  }, []);
  return (
    <div class="backdrop">
      <div
        ref={box}
        class={`modal${props.wide ? " wide" : ""}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby="modal-title"
        data-testid={props.testId}
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onClose();
        }}
      >
        <header class="section-head">
          <h2 id="modal-title">{props.title}</h2>
          <button type="button" class="icon close" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}
