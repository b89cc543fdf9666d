"use client";

import { useActionState } from "react";
import {
  configureSiemAction,
  disableSiemAction,
  sendSiemTestAction,
  signCheckpointAction,
} from "@/app/(workspace)/audit/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function SignCheckpointForm() {
  const [state, action] = useActionState<ActionState, FormData>(signCheckpointAction, {});
  return (
    <form action={action} className="row-form">
      <SubmitButton pendingLabel="Signing…">Sign a checkpoint now</SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function SiemSettingsForm({ url, hasSecret }: { url: string | null; hasSecret: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(configureSiemAction, {});
  return (
    <form action={action} className="stack" aria-label="SIEM webhook">
      <FormMessage error={state.error} message={state.message} />
      {state.reveal !== undefined && (
        <p>
          Webhook secret (shown once):
          <output className="reveal" data-testid="siem-secret">
            {state.reveal}
          </output>
        </p>
      )}
      <TextField
        name="url"
        label="Webhook URL"
        type="text"
        defaultValue={state.error ? state.values?.url : (url ?? undefined)}
        invalid={state.field === "url"}
        hint="https://, or http:// to a collector on this server."
      />
      <TextField
        name="secret"
        label="Webhook secret"
        type="password"
        autoComplete="off"
        required={false}
        invalid={state.field === "secret"}
        hint={
          hasSecret ? "Leave empty to keep the current secret." : "Leave empty and Signet generates one (shown once)."
        }
      />
      {hasSecret && (
        <label className="inline-check">
          <input type="checkbox" name="newSecret" /> Generate a new secret
        </label>
      )}
      <div>
        <SubmitButton pendingLabel="Saving…">{url === null ? "Turn on forwarding" : "Save forwarding"}</SubmitButton>
      </div>
    </form>
  );
}

export function SiemTestForm() {
  const [state, action] = useActionState<ActionState, FormData>(sendSiemTestAction, {});
  return (
    <form action={action} className="row-form">
      <SubmitButton className="secondary" pendingLabel="Sending…">
        Send a test event
      </SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function SiemDisableForm() {
  const [state, action] = useActionState<ActionState, FormData>(disableSiemAction, {});
  return (
    <form action={action} className="row-form">
      <SubmitButton className="danger" pendingLabel="Turning off…">
        Turn off forwarding
      </SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}
