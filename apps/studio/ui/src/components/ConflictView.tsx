// Shown when the DocType's file changed on disk after it was opened (the API's 409): the file as it
// is now, and the two ways on — reload it (dropping the edits made here), or keep the edits and
// apply them to the new file (the preview then shows exactly what that would write).
import type { Problem } from "../types";
import { Modal } from "./Modal";

export function ConflictView(props: {
  problem: Problem;
  onReload: () => void;
  onKeepEditing: () => void;
}) {
  const { problem } = props;
  return (
    <Modal title="The file changed on disk" onClose={props.onKeepEditing} wide testId="conflict">
      <p>
        <strong>{problem.path}</strong> was changed by someone or something else since you opened
        it. Studio did not overwrite it. This is the file as it is on disk now:
      </p>
      <pre class="code conflict-source" data-testid="conflict-source">
        {problem.source}
      </pre>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onReload}>
          Reload from disk (discard my edits)
        </button>
        <button type="button" onClick={props.onKeepEditing}>
          Keep my edits and apply them to this version
        </button>
      </div>
    </Modal>
  );
}
