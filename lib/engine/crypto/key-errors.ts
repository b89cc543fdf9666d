import { SignetError } from "@/lib/engine/errors";

export type KeyErrorCode =
  | "key.unreadable"
  | "key.encrypted"
  | "key.bad_passphrase"
  | "key.unsupported_algorithm"
  | "key.digest_mismatch"
  | "pkcs12.unreadable"
  | "pkcs12.bad_password"
  | "pkcs12.no_key"
  | "pkcs12.no_certificate"
  | "pkcs12.key_certificate_mismatch";

/** A problem with a private key or the file that holds it. Messages never include key material or passwords. */
export class KeyError extends SignetError {
  declare readonly code: KeyErrorCode;
  constructor(code: KeyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
