"use client";

import { useActionState } from "react";
import { setUpSignet } from "@/app/setup/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function SetupForm() {
  const [state, action] = useActionState<ActionState, FormData>(setUpSignet, {});
  const v = state.values ?? {};
  return (
    <form action={action} className="stack" noValidate>
      <FormMessage error={state.error} />
      <TextField
        name="organisationName"
        label="Organisation"
        defaultValue={v.organisationName}
        autoComplete="organization"
        invalid={state.field === "organisationName"}
      />
      <TextField
        name="name"
        label="Your name"
        defaultValue={v.name}
        autoComplete="name"
        invalid={state.field === "name"}
      />
      <TextField
        name="email"
        label="Email"
        type="email"
        defaultValue={v.email}
        autoComplete="email"
        invalid={state.field === "email"}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        invalid={state.field === "password"}
      />
      <SubmitButton pendingLabel="Creating…">Create organisation</SubmitButton>
    </form>
  );
}
