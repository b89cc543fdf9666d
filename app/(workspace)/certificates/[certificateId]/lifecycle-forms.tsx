"use client";

import { useActionState } from "react";
import { lifecycleAction, setSealersAction } from "@/app/(workspace)/certificates/actions";
import type { ActionState } from "@/app/_server/action-state";
import { REVOCATION_REASON_LABELS } from "@/lib/lifecycle/revocation-reasons";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { readableName } from "@/lib/engine/pki/browser";

type Successor = { id: string; subject: string; sha256: string; keyLabel: string; notAfter: string };

export function RotateCertificateForm({
  certificateId,
  successors,
}: {
  certificateId: string;
  successors: Successor[];
}) {
  const [state, action] = useActionState<ActionState, FormData>(lifecycleAction, {});
  return (
    <form action={action} className="stack" aria-label="Rotate this certificate">
      <input type="hidden" name="kind" value="certificate.rotate" />
      <input type="hidden" name="certificateId" value={certificateId} />
      <FormMessage error={state.error} message={state.message} />
      {successors.length === 0 ? (
        <p className="hint">
          No certificate can take over yet: enrol a new certificate (for this key or another) and come back. It must be
          valid now and not yet active.
        </p>
      ) : (
        <>
          <label>
            Successor
            <select
              key={state.values?.successorId ?? ""}
              name="successorId"
              required
              defaultValue={state.values?.successorId ?? ""}
              aria-invalid={state.field === "successorId" ? true : undefined}
            >
              <option value="" disabled>
                Choose the certificate that takes over
              </option>
              {successors.map((s) => (
                <option key={s.id} value={s.id}>
                  {`${readableName(s.subject)} — key ${s.keyLabel}, valid until ${s.notAfter.slice(0, 10)}, ${s.sha256.slice(0, 12)}…`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Reason for the rotation
            <textarea
              name="reason"
              required
              minLength={3}
              maxLength={500}
              rows={2}
              defaultValue={state.error ? state.values?.reason : undefined}
              aria-invalid={state.field === "reason" ? true : undefined}
            />
          </label>
          <p className="hint">
            Nothing is re-signed: documents this certificate sealed keep naming it and keep verifying. It becomes
            superseded and seals nothing more; the successor becomes active, with the same list of allowed sealers.
          </p>
          <div>
            <SubmitButton pendingLabel="Rotating…">Rotate</SubmitButton>
          </div>
        </>
      )}
    </form>
  );
}

export function RevokeCertificateForm({ certificateId }: { certificateId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(lifecycleAction, {});
  return (
    <form action={action} className="stack" aria-label="Revoke this certificate">
      <input type="hidden" name="kind" value="certificate.revoke" />
      <input type="hidden" name="certificateId" value={certificateId} />
      <FormMessage error={state.error} message={state.message} />
      <label>
        Reason (RFC 5280)
        <select
          key={state.values?.reasonCode ?? ""}
          name="reasonCode"
          required
          defaultValue={state.values?.reasonCode ?? ""}
        >
          <option value="" disabled>
            Choose a reason
          </option>
          {Object.entries(REVOCATION_REASON_LABELS).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Effective from (UTC, optional)
        <input
          type="datetime-local"
          name="effectiveAt"
          step={1}
          defaultValue={state.error ? state.values?.effectiveAt : undefined}
          aria-invalid={state.field === "effectiveAt" ? true : undefined}
          aria-describedby="effective-hint"
        />
        <span className="hint" id="effective-hint">
          Empty: from the moment it is carried out. Earlier times are allowed (a compromise found late); seals made
          before stay valid at the time they were made.
        </span>
      </label>
      <label>
        Comment (optional)
        <textarea
          name="comment"
          maxLength={500}
          rows={2}
          defaultValue={state.error ? state.values?.comment : undefined}
        />
      </label>
      <p className="hint">
        Revoking here stops Signet from sealing with this certificate and is shown to recipients who verify its seals.
        Also ask your certificate authority to revoke it, so that other validators learn of it.
      </p>
      <div>
        <SubmitButton className="danger" pendingLabel="Revoking…">
          Revoke
        </SubmitButton>
      </div>
    </form>
  );
}

export function DestroyKeyForm({
  keyId,
  keyLabel,
  backend,
}: {
  keyId: string;
  keyLabel: string;
  backend: "PLATFORM" | "AWS_KMS" | "PKCS11";
}) {
  const [state, action] = useActionState<ActionState, FormData>(lifecycleAction, {});
  return (
    <form action={action} className="stack" aria-label="Destroy this key">
      <input type="hidden" name="kind" value="key.destroy" />
      <input type="hidden" name="keyId" value={keyId} />
      <FormMessage error={state.error} message={state.message} />
      <p className="hint">
        {backend === "PLATFORM"
          ? "The encrypted private key is erased from the database (crypto-erasure): it can never sign again."
          : "Signet forgets the key reference and can never use it again; the key itself stays in your KMS or HSM until you delete it there."}{" "}
        The public key and certificates stay, so every seal made with it still verifies.
      </p>
      <label>
        Reason
        <textarea
          name="reason"
          required
          minLength={3}
          maxLength={500}
          rows={2}
          defaultValue={state.error ? state.values?.reason : undefined}
          aria-invalid={state.field === "reason" ? true : undefined}
        />
      </label>
      <label>
        {`Type the key's name (${keyLabel}) to confirm`}
        <input
          type="text"
          name="confirmLabel"
          required
          autoComplete="off"
          aria-invalid={state.field === "confirmLabel" ? true : undefined}
        />
      </label>
      <div>
        <SubmitButton className="danger" pendingLabel="Destroying…">
          Destroy key
        </SubmitButton>
      </div>
    </form>
  );
}

type Signer = { userId: string; name: string; email: string; allowed: boolean };

export function CertificateSealersForm({
  certificateId,
  restricted,
  signers,
}: {
  certificateId: string;
  restricted: boolean;
  signers: Signer[];
}) {
  const [state, action] = useActionState<ActionState, FormData>(setSealersAction, {});
  return (
    <form action={action} className="stack" aria-label="Who may seal with this certificate">
      <input type="hidden" name="certificateId" value={certificateId} />
      <FormMessage error={state.error} message={state.message} />
      <fieldset>
        <legend>Who may seal</legend>
        <label className="inline-check">
          <input type="radio" name="mode" value="all" defaultChecked={!restricted} /> Every member with the signer role
        </label>
        <label className="inline-check">
          <input type="radio" name="mode" value="listed" defaultChecked={restricted} /> Only these signers:
        </label>
        <div className="checks">
          {signers.length === 0 ? (
            <span className="hint">No member has the signer role yet.</span>
          ) : (
            signers.map((s) => (
              <label key={s.userId}>
                <input type="checkbox" name="userIds" value={s.userId} defaultChecked={s.allowed} />{" "}
                {`${s.name} (${s.email})`}
              </label>
            ))
          )}
        </div>
      </fieldset>
      <div>
        <SubmitButton className="secondary" pendingLabel="Saving…">
          Save sealers
        </SubmitButton>
      </div>
    </form>
  );
}
