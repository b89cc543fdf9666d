"use client";

import { useActionState } from "react";
import { signInWithForm } from "@/app/sign-in/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function SignInForm({ notice }: { notice?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(signInWithForm, {});
  return (
    <form action={action} className="stack">
      <FormMessage error={state.error} message={state.error === undefined ? notice : undefined} />
      <TextField name="email" label="Email" type="email" defaultValue={state.values?.email} autoComplete="username" />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" />
      <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
