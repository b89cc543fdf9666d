import { SignetError } from "@/lib/engine/errors";

/**
 * The custody that failed, spelt as a signing key's `backend` is stored and audited. A platform
 * key whose master key is in AWS KMS fails as AWS_KMS when KMS does.
 */
export type KeyBackendKind = "PLATFORM" | "AWS_KMS" | "PKCS11";

/**
 * A key backend failed: the key, its custody or the master key could not be used
 * (KMS refused or did not answer, the HSM or its PIN failed, a platform key or the
 * master key would not decrypt). Callers decide by type, never by code prefix: every
 * signature with the same key would fail the same way, so a batch stops on one.
 */
export abstract class KeyBackendError extends SignetError {
  readonly backend: KeyBackendKind;
  /**
   * Trying again later, with nothing changed, may succeed (throttled, timed out, the
   * service or device did not answer). When false, someone must first fix the key, its
   * grant, its PIN or the configuration.
   */
  readonly transient: boolean;

  protected constructor(
    code: string,
    message: string,
    facts: { backend: KeyBackendKind; transient: boolean },
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.backend = facts.backend;
    this.transient = facts.transient;
  }
}
