"use client";

import { useActionState } from "react";
import {
  disableTotpAction,
  regenerateRecoveryCodesAction,
  type RecoveryCodesState,
} from "@/app/(workspace)/account/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { TotpRecoveryCodes } from "@/components/totp-recovery-codes";

/** An active authenticator app: new recovery codes, or turning it off. */
export function TotpSettings({ since, recoveryCodesLeft }: { since: string; recoveryCodesLeft: number }) {
  const [regenerated, regenerate] = useActionState<RecoveryCodesState, FormData>(regenerateRecoveryCodesAction, {});
  const [disabled, disable] = useActionState<ActionState, FormData>(disableTotpAction, {});

  if (regenerated.recoveryCodes !== undefined)
    return (
      <TotpRecoveryCodes
        codes={regenerated.recoveryCodes}
        intro="New recovery codes made; the old ones no longer work."
      />
    );

  return (
    <div style={{ display: "grid", gap: "1rem" }}>
      <p>
        <span className="badge">On</span> since {since}. {recoveryCodesLeft} unused recovery code
        {recoveryCodesLeft === 1 ? "" : "s"} left.
      </p>
      <div className="two-columns">
        <form action={regenerate} className="stack" aria-label="Make new recovery codes">
          <FormMessage error={regenerated.error} />
          <TextField name="code" label="Current code from your app" autoComplete="one-time-code" />
          <div>
            <SubmitButton className="secondary" pendingLabel="Making codes…">
              Make new recovery codes
            </SubmitButton>
          </div>
        </form>
        <form action={disable} className="stack" aria-label="Turn off the authenticator app">
          <FormMessage error={disabled.error} message={disabled.message} />
          <TextField name="code" label="Current code or a recovery code" autoComplete="one-time-code" />
          <div>
            <SubmitButton className="danger" pendingLabel="Turning off…">
              Turn off the authenticator app
            </SubmitButton>
          </div>
        </form>
      </div>
    </div>
  );
}
