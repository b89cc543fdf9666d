"use client";

import { useActionState } from "react";
import { retrySealAction } from "@/app/(workspace)/documents/actions";
import type { ActionState } from "@/app/_server/action-state";

/** One failed document with its reason, and a button that queues its seal again. */
export function RetrySealForm({
  documentId,
  fileName,
  failure,
}: {
  documentId: string;
  fileName: string;
  failure: string | null;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(retrySealAction, {});
  return (
    <li>
      <form action={action} className="row-form">
        <input type="hidden" name="documentId" value={documentId} />
        <span>
          <strong>{fileName}</strong>
          {failure !== null && <span className="hint failure"> {failure}</span>}
        </span>
        <button type="submit" disabled={pending} aria-label={`Retry sealing ${fileName}`}>
          {pending ? "Queueing…" : "Retry"}
        </button>
        {state.error !== undefined && <span role="alert">{state.error}</span>}
        {state.message !== undefined && <span role="status">{state.message}</span>}
      </form>
    </li>
  );
}
