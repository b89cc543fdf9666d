"use client";

import { useActionState } from "react";
import {
  changeRolesAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
} from "@/app/(workspace)/members/actions";
import type { ActionState } from "@/app/_server/action-state";
import type { Role } from "@/lib/access/roles";
import { FormMessage } from "@/components/form-message";
import { RoleCheckboxes } from "@/components/role-checkboxes";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function InviteMemberForm({ allowOwner }: { allowOwner: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(inviteMemberAction, {});
  return (
    <form action={action} className="stack" aria-label="Invite a member">
      <FormMessage error={state.error} message={state.message} />
      {state.reveal !== undefined && (
        <p>
          Invitation link:
          <output className="reveal" data-testid="invitation-link">
            {state.reveal}
          </output>
        </p>
      )}
      <TextField
        name="email"
        label="Email of the new member"
        type="email"
        defaultValue={state.error ? state.values?.email : undefined}
        invalid={state.field === "email"}
      />
      <RoleCheckboxes legend="Roles" selected={["SIGNER"]} allowOwner={allowOwner} idPrefix="invite" />
      <div>
        <SubmitButton pendingLabel="Inviting…">Create invitation</SubmitButton>
      </div>
    </form>
  );
}

export function MemberRolesForm({
  membershipId,
  name,
  roles,
  allowOwner,
}: {
  membershipId: string;
  name: string;
  roles: Role[];
  allowOwner: boolean;
}) {
  const [state, action] = useActionState<ActionState, FormData>(changeRolesAction, {});
  return (
    <form action={action} className="row-form" aria-label={`Roles of ${name}`}>
      <input type="hidden" name="membershipId" value={membershipId} />
      <RoleCheckboxes
        legend={`Roles of ${name}`}
        selected={roles}
        allowOwner={allowOwner || roles.includes("OWNER")}
        idPrefix={`roles-${membershipId}`}
      />
      <SubmitButton className="secondary" pendingLabel="Saving…">
        Save roles
      </SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function RemoveMemberForm({ membershipId, name }: { membershipId: string; name: string }) {
  const [state, action] = useActionState<ActionState, FormData>(removeMemberAction, {});
  return (
    <form action={action} className="row-form">
      <input type="hidden" name="membershipId" value={membershipId} />
      <SubmitButton className="danger" pendingLabel="Removing…">{`Remove ${name}`}</SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function RevokeInvitationForm({ invitationId, email }: { invitationId: string; email: string }) {
  const [state, action] = useActionState<ActionState, FormData>(revokeInvitationAction, {});
  return (
    <form action={action} className="row-form">
      <input type="hidden" name="invitationId" value={invitationId} />
      <SubmitButton className="danger" pendingLabel="Withdrawing…">{`Withdraw invitation for ${email}`}</SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}
