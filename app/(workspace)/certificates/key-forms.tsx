"use client";

import { useActionState } from "react";
import {
  generatePlatformKeyAction,
  registerKmsKeyAction,
  registerPkcs11KeyAction,
  setTestingPolicyAction,
} from "@/app/(workspace)/certificates/actions";
import type { ActionState } from "@/app/_server/action-state";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";

const ALGORITHMS = [
  ["RSA-4096", "RSA 4096 (default)"],
  ["RSA-3072", "RSA 3072"],
  ["RSA-2048", "RSA 2048"],
  ["EC-P384", "ECDSA P-384"],
  ["EC-P256", "ECDSA P-256"],
] as const;

function AlgorithmOptions() {
  return ALGORITHMS.map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));
}

export function GeneratePlatformKeyForm() {
  const [state, action] = useActionState<ActionState, FormData>(generatePlatformKeyAction, {});
  const v = state.error ? (state.values ?? {}) : {};
  return (
    <form action={action} className="stack" aria-label="Generate a platform-managed key">
      <FormMessage error={state.error} message={state.message} />
      <TextField
        name="label"
        label="Key name"
        defaultValue={v.label}
        hint="For example: Seal 2027 — Ada Lovelace"
        invalid={state.field === "label"}
      />
      <label>
        Algorithm
        <select name="algorithm" defaultValue={v.algorithm ?? "RSA-4096"}>
          <AlgorithmOptions />
        </select>
      </label>
      <div>
        <SubmitButton pendingLabel="Generating…">Generate key</SubmitButton>
      </div>
    </form>
  );
}

export function RegisterKmsKeyForm() {
  const [state, action] = useActionState<ActionState, FormData>(registerKmsKeyAction, {});
  const v = state.error ? (state.values ?? {}) : {};
  return (
    <form action={action} className="stack" aria-label="Register an AWS KMS key">
      <FormMessage error={state.error} message={state.message} />
      <TextField name="label" label="Key name" defaultValue={v.label} invalid={state.field === "label"} />
      <TextField
        name="keyId"
        label="KMS key ARN, id or alias"
        defaultValue={v.keyId}
        hint="An asymmetric SIGN_VERIFY key: RSA 2048/3072/4096 or ECC NIST P-256/P-384/P-521."
        invalid={state.field === "keyId"}
      />
      <TextField
        name="region"
        label="Region"
        defaultValue={v.region}
        required={false}
        hint="Not needed when you give a key ARN."
        invalid={state.field === "region"}
      />
      <TextField
        name="roleArn"
        label="IAM role to assume (optional)"
        defaultValue={v.roleArn}
        required={false}
        invalid={state.field === "roleArn"}
      />
      <TextField name="externalId" label="External id (optional)" defaultValue={v.externalId} required={false} />
      <div>
        <SubmitButton pendingLabel="Checking the key with AWS…">Register key</SubmitButton>
      </div>
    </form>
  );
}

export function TestingPolicyForm({ allowSelfSigned }: { allowSelfSigned: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(setTestingPolicyAction, {});
  return (
    <form action={action} className="row-form" aria-label="Testing policy">
      <label className="inline-check">
        <input type="checkbox" name="allowSelfSigned" defaultChecked={allowSelfSigned} />
        Allow self-signed certificates (testing only; seals made with them are marked as testing)
      </label>
      <SubmitButton className="secondary" pendingLabel="Saving…">
        Save policy
      </SubmitButton>
      <FormMessage error={state.error} message={state.message} />
    </form>
  );
}

export function RegisterPkcs11KeyForm({ modules }: { modules: string[] }) {
  const [state, action] = useActionState<ActionState, FormData>(registerPkcs11KeyAction, {});
  const v = state.error ? (state.values ?? {}) : {};
  return (
    <form action={action} className="stack" aria-label="Register a PKCS#11 HSM key">
      <FormMessage error={state.error} message={state.message} />
      <TextField name="label" label="Key name" defaultValue={v.label} invalid={state.field === "label"} />
      <label>
        PKCS#11 library
        <select name="modulePath" defaultValue={v.modulePath ?? modules[0]}>
          {modules.map((module) => (
            <option key={module} value={module}>
              {module}
            </option>
          ))}
        </select>
      </label>
      <TextField
        name="tokenLabel"
        label="Token label"
        defaultValue={v.tokenLabel}
        invalid={state.field === "tokenLabel"}
      />
      <TextField
        name="pinEnv"
        label="Environment variable holding the PIN"
        defaultValue={v.pinEnv ?? "SIGNET_HSM_PIN"}
        hint="The PIN stays on the server; Signet stores only this name."
        invalid={state.field === "pinEnv"}
      />
      <TextField
        name="keyLabel"
        label="Existing key label"
        defaultValue={v.keyLabel}
        required={false}
        invalid={state.field === "keyLabel"}
      />
      <TextField name="keyId" label="Existing key id (hex)" defaultValue={v.keyId} required={false} />
      <label>
        Or generate a new key inside the token
        <select name="generate" defaultValue={v.generate ?? ""}>
          <option value="">No, use the existing key</option>
          <AlgorithmOptions />
        </select>
      </label>
      <div>
        <SubmitButton pendingLabel="Talking to the token…">Register HSM key</SubmitButton>
      </div>
    </form>
  );
}
