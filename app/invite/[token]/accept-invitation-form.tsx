"use client";

import { useActionState } from "react";
import { acceptInvitationWithForm } from "@/app/invite/[token]/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

/** One form whether or not the email already has an account: the page must not tell which. */
export function AcceptInvitationForm({ token }: { token: string }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationWithForm, {});
  return (
    <form action={action} className="stack">
      <FormMessage error={state.error} />
      <input type="hidden" name="token" value={token} />
      <TextField
        name="name"
        label="Your name"
        defaultValue={state.values?.name}
        autoComplete="name"
        hint="New to Signet: how colleagues will see you. Left out if you already have an account."
        required={false}
        invalid={state.field === "name"}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        hint="If you already have a Signet account, its password; otherwise choose one of at least 12 characters."
        invalid={state.field === "password"}
      />
      <SubmitButton pendingLabel="Joining…">Accept invitation</SubmitButton>
    </form>
  );
}
