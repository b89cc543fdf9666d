/**
 * The words an organisation admin reads when Signet cannot use their AWS KMS key:
 * what happened, whether it may be on purpose, and what to do. Never credentials.
 */
import type { KmsErrorCode, KmsOperation } from "@/lib/engine/keys/aws-kms/kms-errors";

export interface KmsMessageFacts {
  keyId: string;
  region: string;
  operation?: KmsOperation;
  /** "register": while checking a key being registered; "use": a registered key. */
  phase: "register" | "use";
  roleArn?: string;
  awsErrorName?: string;
  /** AWS's own message (it names the principal and action for AccessDenied); no secrets. */
  awsMessage?: string;
  keyState?: string;
  keySpec?: string;
  keyUsage?: string;
  deletionDate?: Date;
  timeoutMs?: number;
  endpoint?: string;
}

const KMS_PERMISSION: Record<KmsOperation, string> = {
  DescribeKey: "kms:DescribeKey",
  GetPublicKey: "kms:GetPublicKey",
  Sign: "kms:Sign",
  AssumeRole: "sts:AssumeRole",
};

function said(facts: KmsMessageFacts): string {
  if (!facts.awsErrorName) return "";
  const text = facts.awsMessage ? `: ${facts.awsMessage.slice(0, 300)}` : "";
  return ` (AWS said ${facts.awsErrorName}${text})`;
}

function theKey(facts: KmsMessageFacts): string {
  return `the AWS KMS key ${facts.keyId} in ${facts.region}`;
}

const STATE_HINT: Record<string, string> = {
  PendingImport: "Its key material has not been imported (or has expired): import it again, then retry.",
  Unavailable: "Its custom key store is disconnected: reconnect the key store, then retry.",
  Creating: "It is still being created: wait a minute and retry.",
  Updating: "It is being updated: wait a minute and retry.",
  PendingReplicaDeletion: "Its replica is scheduled for deletion: cancel the deletion if that is a mistake.",
};

export function kmsErrorMessage(code: KmsErrorCode, facts: KmsMessageFacts): string {
  const key = theKey(facts);
  const cannot = facts.phase === "use" ? `Signet can no longer use ${key}` : `Signet cannot use ${key}`;
  const operation = facts.operation ?? "Sign";
  switch (code) {
    case "kms.access_denied":
      if (operation === "AssumeRole") {
        return (
          `${cannot}: AWS refused to let Signet assume the IAM role ${facts.roleArn ?? "(unknown role)"}${said(facts)}. ` +
          "If you removed Signet's access on purpose, this is expected. Otherwise check that the role still exists, that its trust policy " +
          "allows Signet's AWS principal to call sts:AssumeRole, and that it requires exactly the external id registered in Signet."
        );
      }
      return (
        `${cannot}: access was denied for ${KMS_PERMISSION[operation]}${said(facts)}. ` +
        "If you removed Signet's grant on purpose, this is expected and nothing can be sealed with this key. Otherwise restore " +
        `${KMS_PERMISSION[operation]} (and kms:DescribeKey, kms:GetPublicKey) for ${facts.roleArn ? `the role ${facts.roleArn}` : "the AWS principal Signet uses"} ` +
        "in the key policy, an IAM policy or a grant on this key."
      );
    case "kms.bad_credentials":
      return (
        `${cannot}: AWS did not accept the credentials Signet signs its requests with${said(facts)}. ` +
        "This is about Signet's own AWS credentials, not your key: the platform operator must renew or correct them (or the clock of the Signet server is wrong)."
      );
    case "kms.key_disabled":
      return (
        `${cannot}: the key is disabled. If you disabled it on purpose, this is expected. Otherwise enable it again ` +
        `(AWS console: Key actions → Enable, or \`aws kms enable-key --region ${facts.region} --key-id ${facts.keyId}\`).`
      );
    case "kms.key_pending_deletion": {
      const when = facts.deletionDate ? ` on ${facts.deletionDate.toISOString().slice(0, 10)}` : "";
      return (
        `${cannot}: the key is scheduled for deletion${when}. If that is a mistake, cancel the deletion before then ` +
        `(\`aws kms cancel-key-deletion --region ${facts.region} --key-id ${facts.keyId}\`, then enable the key). ` +
        "A deleted key cannot be recovered: register a new key and certificate instead."
      );
    }
    case "kms.key_state":
      return `${cannot}: the key is in state ${facts.keyState ?? "unknown"}, not Enabled. ${STATE_HINT[facts.keyState ?? ""] ?? "Make the key Enabled again, then retry."}`;
    case "kms.not_found":
      return (
        `${cannot}: AWS KMS has no such key for Signet${said(facts)}. Check the key id or ARN and the region; a key in another AWS account ` +
        "must be given by its full key ARN. If the key was deleted, register a new key and certificate."
      );
    case "kms.throttled":
      return (
        `AWS KMS is throttling requests for ${key} (the account's request quota for ${KMS_PERMISSION[operation]} was exceeded). ` +
        `Nothing was signed; try again in a moment. If this keeps happening, ask AWS for a higher KMS request quota in ${facts.region}.`
      );
    case "kms.timeout":
      return (
        `AWS KMS did not answer ${operation} for ${key}${facts.timeoutMs ? ` within ${facts.timeoutMs} ms` : " in time"}. Nothing was signed; try again. ` +
        `If it persists, check the network path from Signet to ${facts.endpoint ?? `kms.${facts.region}.amazonaws.com`} and the AWS Health Dashboard.`
      );
    case "kms.unavailable":
      return (
        `AWS KMS could not serve ${operation} for ${key}${said(facts)}. Nothing was signed; try again later. ` +
        `If it persists, check the network path from Signet to ${facts.endpoint ?? `kms.${facts.region}.amazonaws.com`} and the AWS Health Dashboard.`
      );
    case "kms.invalid_key_usage":
      return (
        `${cannot}: ${facts.keyUsage ? `its key usage is ${facts.keyUsage}, not SIGN_VERIFY` : "KMS refused to sign with it"}${said(facts)}. Signet needs an asymmetric key created with key usage SIGN_VERIFY; ` +
        "key usage cannot be changed, so create a new signing key (RSA_2048/3072/4096 or ECC_NIST_P256/P384/P521)."
      );
    case "kms.unsupported_key":
      return (
        `${cannot}: its key spec ${facts.keySpec ?? "(unknown)"} cannot make document signatures. Use an asymmetric key with spec ` +
        "RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384 or ECC_NIST_P521 and key usage SIGN_VERIFY."
      );
    case "kms.unsupported_hash":
      return `${cannot} with this hash algorithm: KMS has no matching signing algorithm for the key. Nothing was signed.`;
    case "kms.signature_invalid":
      return `${cannot}: the signature it returned does not verify with the public key registered for it. Nothing was signed.`;
    case "kms.invalid_reference":
      return `${cannot}: the key reference or region is not valid.`;
  }
}
