"use client";

import { useActionState } from "react";
import { acceptInvitationWithForm } from "@/app/invite/[token]/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "./form-message";
import { SubmitButton } from "./submit-button";
import { TextField } from "./text-field";

export function AcceptInvitationForm({ token, accountExists }: { token: string; accountExists: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationWithForm, {});
  return (
    <form action={action} className="stack">
      <FormMessage error={state.error} />
      <input type="hidden" name="token" value={token} />
      {accountExists ? (
        <TextField name="password" label="Your current password" type="password" autoComplete="current-password" hint="You already have a Signet account; confirm it is you." />
      ) : (
        <>
          <TextField name="name" label="Your name" defaultValue={state.values?.name} autoComplete="name" invalid={state.field === "name"} />
          <TextField name="password" label="Choose a password" type="password" autoComplete="new-password" hint="At least 12 characters." invalid={state.field === "password"} />
        </>
      )}
      <SubmitButton pendingLabel="Joining…">Accept invitation</SubmitButton>
    </form>
  );
}
