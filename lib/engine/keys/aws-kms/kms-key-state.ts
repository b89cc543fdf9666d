/**
 * What DescribeKey's KeyMetadata says about whether Signet may sign with a key:
 * key usage SIGN_VERIFY, a supported key spec, state Enabled. Checked in that
 * order: usage and spec are permanent (a new key is needed), the state can be
 * fixed by the customer.
 */
import type { KeyMetadata } from "@aws-sdk/client-kms";
import { isSupportedKeySpec, type SupportedKeySpec } from "@/lib/engine/keys/aws-kms/kms-key-spec";
import type { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { kmsError, type KmsErrorContext } from "@/lib/engine/keys/aws-kms/map-kms-error";

export function keyStateError(metadata: KeyMetadata, context: KmsErrorContext): KmsError | undefined {
  const state = metadata.KeyState;
  if (state === "Enabled") return undefined;
  if (state === "Disabled") return kmsError("kms.key_disabled", context);
  if (state === "PendingDeletion" || state === "PendingReplicaDeletion") {
    return kmsError("kms.key_pending_deletion", context, { deletionDate: metadata.DeletionDate });
  }
  return kmsError("kms.key_state", context, { keyState: state ?? "unknown" });
}

/** Throws unless the key can sign for Signet; returns its (supported) key spec. */
export function checkSigningKey(metadata: KeyMetadata, context: KmsErrorContext): SupportedKeySpec {
  if (metadata.KeyUsage !== "SIGN_VERIFY") {
    throw kmsError("kms.invalid_key_usage", context, { keyUsage: metadata.KeyUsage ?? "unknown" });
  }
  const spec = metadata.KeySpec;
  if (!isSupportedKeySpec(spec)) throw kmsError("kms.unsupported_key", context, { keySpec: spec ?? "unknown" });
  const stateError = keyStateError(metadata, context);
  if (stateError) throw stateError;
  return spec;
}
