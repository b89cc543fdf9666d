"use client";

import { useActionState } from "react";
import {
  confirmTotpEnrolmentAction,
  startTotpEnrolmentAction,
  type RecoveryCodesState,
  type TotpEnrolmentState,
} from "@/app/(workspace)/account/actions";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { TotpQrCode } from "@/components/totp-qr-code";
import { TotpRecoveryCodes } from "@/components/totp-recovery-codes";

/** Setting up an authenticator app: password again → QR code and secret → a current code → recovery codes. */
export function TotpEnrolment() {
  const [start, startAction] = useActionState<TotpEnrolmentState, FormData>(startTotpEnrolmentAction, {});
  const [confirm, confirmAction] = useActionState<RecoveryCodesState, FormData>(confirmTotpEnrolmentAction, {});

  if (confirm.recoveryCodes !== undefined)
    return <TotpRecoveryCodes codes={confirm.recoveryCodes} intro="Authenticator app set up." />;

  if (start.enrolment === undefined) {
    return (
      <form action={startAction} className="stack" aria-label="Set up an authenticator app">
        <FormMessage error={start.error} />
        <TextField
          name="password"
          label="Your current password"
          type="password"
          autoComplete="current-password"
          invalid={start.field === "password"}
        />
        <div>
          <SubmitButton pendingLabel="Preparing…">Set up an authenticator app</SubmitButton>
        </div>
      </form>
    );
  }

  const grouped = start.enrolment.secret.match(/.{1,4}/g)?.join(" ") ?? start.enrolment.secret;
  return (
    <div style={{ display: "grid", gap: "1rem" }}>
      <ol style={{ margin: 0, paddingLeft: "1.2rem", display: "grid", gap: "0.8rem" }}>
        <li>
          Scan this QR code with your authenticator app (for example Aegis, FreeOTP, Google Authenticator or 1Password).
          <div style={{ marginTop: "0.5rem" }}>
            <TotpQrCode qr={start.enrolment.qr} label="QR code for your authenticator app" />
          </div>
        </li>
        <li>
          Or enter this key by hand (time-based, SHA-1, 6 digits, 30 seconds):
          <code className="reveal" data-testid="totp-secret">
            {grouped}
          </code>
        </li>
        <li>
          <form action={confirmAction} className="stack" aria-label="Confirm the authenticator app">
            <FormMessage error={confirm.error} />
            <TextField
              name="code"
              label="The 6-digit code your app shows now"
              autoComplete="one-time-code"
              invalid={confirm.error !== undefined}
            />
            <div>
              <SubmitButton pendingLabel="Checking…">Confirm code</SubmitButton>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}
