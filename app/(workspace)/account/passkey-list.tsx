"use client";

import { useActionState } from "react";
import { removePasskeyAction, renamePasskeyAction } from "@/app/(workspace)/account/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";

export type PasskeyRow = { id: string; name: string; created: string; lastUsed: string | null; kind: string };

export function PasskeyList({ passkeys }: { passkeys: PasskeyRow[] }) {
  if (passkeys.length === 0)
    return <p>You have no passkeys yet. Add one below to sign in without a password and to confirm seals.</p>;
  return (
    <table className="stack-on-phone">
      <caption className="sr-only">Your passkeys</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Added</th>
          <th scope="col">Last used</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {passkeys.map((p) => (
          <tr key={p.id}>
            <td>
              {p.name}
              <br />
              <span className="hint">{p.kind}</span>
            </td>
            <td data-label="Added">{p.created}</td>
            <td data-label="Last used">{p.lastUsed ?? "Never"}</td>
            <td>
              <PasskeyActions passkey={p} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PasskeyActions({ passkey }: { passkey: PasskeyRow }) {
  const [removeState, remove] = useActionState<ActionState, FormData>(removePasskeyAction, {});
  const [renameState, rename] = useActionState<ActionState, FormData>(renamePasskeyAction, {});
  return (
    <div style={{ display: "grid", gap: "0.5rem" }}>
      <details>
        <summary>Rename</summary>
        <form
          action={rename}
          className="row-form"
          aria-label={`Rename passkey ${passkey.name}`}
          style={{ marginTop: "0.4rem" }}
        >
          <input type="hidden" name="credentialId" value={passkey.id} />
          <label className="sr-only" htmlFor={`rename-${passkey.id}`}>
            New name for {passkey.name}
          </label>
          <input
            id={`rename-${passkey.id}`}
            name="name"
            type="text"
            defaultValue={renameState.values?.name ?? passkey.name}
            required
            maxLength={60}
          />
          <SubmitButton className="secondary" pendingLabel="Saving…">
            Save name
          </SubmitButton>
          <FormMessage error={renameState.error} />
        </form>
      </details>
      <form action={remove} aria-label={`Remove passkey ${passkey.name}`}>
        <input type="hidden" name="credentialId" value={passkey.id} />
        <RemoveButton name={passkey.name} />
        <FormMessage error={removeState.error} />
      </form>
    </div>
  );
}

function RemoveButton({ name }: { name: string }) {
  return (
    <button
      type="submit"
      className="danger"
      aria-label={`Remove passkey ${name}`}
      onClick={(event) => {
        if (
          !window.confirm(
            `Remove the passkey "${name}"? You will no longer be able to sign in or confirm seals with it.`,
          )
        )
          event.preventDefault();
      }}
    >
      Remove
    </button>
  );
}
