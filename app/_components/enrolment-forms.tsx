"use client";

import { useActionState } from "react";
import {
  createCertificateRequestAction,
  lifecycleAction,
  importPkcs12Action,
  uploadCertificateAction,
} from "@/app/(workspace)/certificates/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

export function CertificateRequestForm({
  keyId,
  keyLabel,
  organisation,
}: {
  keyId: string;
  keyLabel: string;
  organisation: string;
}) {
  const [state, action] = useActionState<ActionState, FormData>(createCertificateRequestAction, {});
  const v = state.error ? (state.values ?? {}) : {};
  return (
    <details>
      <summary>Create a certificate signing request</summary>
      <form action={action} className="stack" aria-label={`Certificate signing request for ${keyLabel}`}>
        <FormMessage error={state.error} message={state.message} />
        {state.reveal !== undefined && (
          <p>
            <a href={state.reveal} download>
              Download the request (PEM)
            </a>
          </p>
        )}
        <input type="hidden" name="keyId" value={keyId} />
        <TextField
          name="commonName"
          label="Name on the certificate"
          defaultValue={v.commonName}
          hint="Usually the engineer's name, e.g. Ada Lovelace, P.Eng."
          invalid={state.field === "commonName"}
        />
        <TextField
          name="organisation"
          label="Organisation"
          defaultValue={v.organisation ?? organisation}
          required={false}
          invalid={state.field === "organisation"}
        />
        <TextField
          name="serialNumber"
          label="Licence or registration number"
          defaultValue={v.serialNumber}
          required={false}
          invalid={state.field === "serialNumber"}
        />
        <TextField
          name="country"
          label="Country (two letters)"
          defaultValue={v.country}
          required={false}
          invalid={state.field === "country"}
        />
        <TextField name="state" label="State or province" defaultValue={v.state} required={false} />
        <TextField name="locality" label="City" defaultValue={v.locality} required={false} />
        <TextField
          name="email"
          label="Email"
          type="email"
          defaultValue={v.email}
          required={false}
          invalid={state.field === "email"}
        />
        <div>
          <SubmitButton pendingLabel="Signing the request with the key…">Create request</SubmitButton>
        </div>
      </form>
    </details>
  );
}

export function CertificateUploadForm({ keyId, keyLabel }: { keyId: string; keyLabel: string }) {
  const [state, action] = useActionState<ActionState, FormData>(uploadCertificateAction, {});
  return (
    <details>
      <summary>Upload the issued certificate</summary>
      <form action={action} className="stack" aria-label={`Certificate for ${keyLabel}`}>
        <FormMessage error={state.error} message={state.message} />
        <input type="hidden" name="keyId" value={keyId} />
        <label>
          Certificate file
          <input
            type="file"
            name="certificate"
            accept=".pem,.crt,.cer,.der,.p7b,application/x-x509-ca-cert,application/pkix-cert"
            required
          />
          <span className="hint">PEM or DER; include the CA&apos;s intermediate certificates.</span>
        </label>
        <div>
          <SubmitButton pendingLabel="Checking the certificate…">Upload certificate</SubmitButton>
        </div>
      </form>
    </details>
  );
}

export function ActivateCertificateForm({ certificateId, subject }: { certificateId: string; subject: string }) {
  const [state, action] = useActionState<ActionState, FormData>(lifecycleAction, {});
  return (
    <form action={action} className="row-form">
      <input type="hidden" name="kind" value="certificate.activate" />
      <input type="hidden" name="certificateId" value={certificateId} />
      <SubmitButton className="secondary" pendingLabel="Activating…">{`Activate ${subject}`}</SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function ImportPkcs12Form() {
  const [state, action] = useActionState<ActionState, FormData>(importPkcs12Action, {});
  return (
    <form action={action} className="stack" aria-label="Import a PKCS#12 file">
      <FormMessage error={state.error} message={state.message} />
      <TextField
        name="label"
        label="Key name"
        defaultValue={state.error ? state.values?.label : undefined}
        invalid={state.field === "label"}
      />
      <label>
        PKCS#12 file (.p12 / .pfx)
        <input type="file" name="pkcs12" accept=".p12,.pfx,application/x-pkcs12" required />
      </label>
      <TextField name="password" label="File password" type="password" autoComplete="off" required={false} />
      <div>
        <SubmitButton pendingLabel="Importing…">Import</SubmitButton>
      </div>
    </form>
  );
}
