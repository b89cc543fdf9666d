"use client";

import { useState, useTransition } from "react";
import { startAuthentication } from "@simplewebauthn/browser";
import { beginPasskeySignInAction, signInWithPasskeyAction } from "@/app/sign-in/passkey-actions";
import { passkeyPromptError } from "@/components/passkey-browser-errors";
import { FormMessage } from "@/components/form-message";

/** Signs in with a discoverable passkey: no email needed, the device offers the account's passkey. */
export function PasskeySignInButton() {
  const [error, setError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();

  function signInWithPasskey() {
    setError(undefined);
    startTransition(async () => {
      const start = await beginPasskeySignInAction();
      if (!start.ok) {
        setError(start.error);
        return;
      }
      let response;
      try {
        response = await startAuthentication({ optionsJSON: start.options });
      } catch (e) {
        setError(passkeyPromptError(e));
        return;
      }
      // On success the action redirects to the dashboard.
      const result = await signInWithPasskeyAction({ challengeId: start.challengeId, response });
      setError(result.error);
    });
  }

  return (
    <div className="stack" style={{ display: "grid", gap: "0.6rem" }}>
      <FormMessage error={error} />
      <button
        type="button"
        className="secondary"
        onClick={signInWithPasskey}
        disabled={pending}
        aria-disabled={pending}
      >
        {pending ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
    </div>
  );
}
