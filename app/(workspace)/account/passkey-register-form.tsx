"use client";

import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { startRegistration } from "@simplewebauthn/browser";
import { beginPasskeyRegistrationAction, finishPasskeyRegistrationAction } from "@/app/(workspace)/account/actions";
import { passkeyPromptError } from "@/components/passkey-browser-errors";
import { FormMessage } from "@/components/form-message";
import { TextField } from "@/components/text-field";

/** Adds a passkey: password again → the browser's passkey prompt → the server verifies and stores it. */
export function PasskeyRegisterForm() {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [state, setState] = useState<{ error?: string; field?: string; message?: string }>({});
  const [pending, startTransition] = useTransition();

  function addPasskey(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "");
    const password = String(form.get("password") ?? "");
    setState({});
    startTransition(async () => {
      const start = await beginPasskeyRegistrationAction({ password });
      if (!start.ok) {
        setState({ error: start.error, field: start.field });
        return;
      }
      let response;
      try {
        response = await startRegistration({ optionsJSON: start.options });
      } catch (e) {
        setState({ error: passkeyPromptError(e) });
        return;
      }
      const result = await finishPasskeyRegistrationAction({ challengeId: start.challengeId, name, response });
      if (!result.ok) {
        setState({ error: result.error, field: result.field });
        return;
      }
      formRef.current?.reset();
      setState({ message: result.message });
      router.refresh();
    });
  }

  return (
    <form ref={formRef} onSubmit={addPasskey} className="stack" aria-label="Add a passkey">
      <FormMessage error={state.error} message={state.message} />
      <TextField
        name="name"
        label="Name of the passkey"
        hint="For example: Work laptop, Phone, Security key"
        invalid={state.field === "name"}
      />
      <TextField
        name="password"
        label="Your current password"
        type="password"
        autoComplete="current-password"
        hint="Asked again because a passkey lets its holder confirm seals."
        invalid={state.field === "password"}
      />
      <div>
        <button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? "Waiting for your passkey…" : "Add a passkey"}
        </button>
      </div>
    </form>
  );
}
