"use client";

import { useActionState } from "react";
import { createOrganisationAction } from "@/app/_server/workspace-actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function CreateOrganisationForm() {
  const [state, action] = useActionState<ActionState, FormData>(createOrganisationAction, {});
  return (
    <form action={action} className="stack" aria-label="Create another organisation">
      <FormMessage error={state.error} />
      <TextField
        name="name"
        label="Name of the new organisation"
        defaultValue={state.values?.name}
        autoComplete="organization"
        invalid={state.error !== undefined}
      />
      <div>
        <SubmitButton className="secondary" pendingLabel="Creating…">
          Create organisation
        </SubmitButton>
      </div>
    </form>
  );
}
