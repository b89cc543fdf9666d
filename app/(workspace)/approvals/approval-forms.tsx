"use client";

import { useActionState } from "react";
import { decideRequestAction, setApprovalsRequiredAction } from "@/app/(workspace)/approvals/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";

/** Approve or reject another admin's request; the requester sees Cancel instead. */
export function DecideRequestForm({ requestId, own, summary }: { requestId: string; own: boolean; summary: string }) {
  const [state, action] = useActionState<ActionState, FormData>(decideRequestAction, {});
  return (
    <form action={action} className="stack" aria-label={`Decide: ${summary}`}>
      <input type="hidden" name="requestId" value={requestId} />
      <FormMessage error={state.error} message={state.message} />
      {own ? (
        <div className="row-form">
          <span className="hint">You made this request; another administrator has to approve it.</span>
          <button type="submit" name="decision" value="cancel" className="secondary">
            Cancel request
          </button>
        </div>
      ) : (
        <>
          <label>
            Comment (optional)
            <input type="text" name="comment" maxLength={500} />
          </label>
          <div className="row-form">
            <button type="submit" name="decision" value="approve">
              Approve
            </button>
            <button type="submit" name="decision" value="reject" className="danger">
              Reject
            </button>
          </div>
        </>
      )}
    </form>
  );
}

export function ApprovalsPolicyForm({ current, administrators }: { current: number; administrators: number }) {
  const [state, action] = useActionState<ActionState, FormData>(setApprovalsRequiredAction, {});
  return (
    <form action={action} className="stack" aria-label="Approvals required">
      <FormMessage error={state.error} message={state.message} />
      <label>
        Approvals required
        <input
          type="number"
          name="approvalsRequired"
          min={1}
          max={10}
          defaultValue={state.values?.approvalsRequired ?? String(current)}
          required
          aria-describedby="approvals-hint"
        />
        <span className="hint" id="approvals-hint">
          {`1 = dual control off. N ≥ 2: activating, rotating, revoking, destroying and granting ADMIN need N administrators in total (the requester and N − 1 others). This organisation has ${administrators} administrator${administrators === 1 ? "" : "s"}. Raising it applies at once; lowering it needs approval under the current setting.`}
        </span>
      </label>
      <div>
        <SubmitButton className="secondary" pendingLabel="Saving…">
          Save policy
        </SubmitButton>
      </div>
    </form>
  );
}
