"use client";

import { useActionState } from "react";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { changePasswordAction } from "@/app/(workspace)/account/actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePasswordAction, {});
  return (
    <form action={action} className="stack" aria-label="Change password">
      <FormMessage error={state.error} message={state.message} />
      <TextField
        name="password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        invalid={state.field === "password"}
      />
      <TextField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        invalid={state.field === "newPassword"}
      />
      <div>
        <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
      </div>
    </form>
  );
}
