import { describe, expect, it } from "vitest";
import { SignetError } from "@/lib/engine/errors";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { KmsError, type KmsErrorCode } from "@/lib/engine/keys/aws-kms";
import { KeyBackendError } from "@/lib/engine/keys/index";
import { Pkcs11Error, type Pkcs11ErrorCode } from "@/lib/engine/keys/pkcs11";
import { PlatformKeyError, type PlatformKeyErrorCode } from "@/lib/engine/keys/platform";

const kmsDetails = {
  keyId: "arn:aws:kms:eu-west-1:111122223333:key/k",
  region: "eu-west-1",
  operation: "Sign" as const,
};

describe("KeyBackendError: every backend's failures are one type", () => {
  it.each<[KmsErrorCode, number, boolean]>([
    ["kms.invalid_reference", 400, false],
    ["kms.access_denied", 409, false],
    ["kms.bad_credentials", 502, false],
    ["kms.key_disabled", 409, false],
    ["kms.key_pending_deletion", 409, false],
    ["kms.key_state", 409, false],
    ["kms.not_found", 409, false],
    ["kms.throttled", 503, true],
    ["kms.timeout", 504, true],
    ["kms.unavailable", 502, true],
    ["kms.unsupported_key", 400, false],
    ["kms.invalid_key_usage", 400, false],
    ["kms.unsupported_hash", 400, false],
    ["kms.signature_invalid", 502, false],
  ])("KmsError %s: AWS_KMS, status %i, transient %s", (code, status, transient) => {
    const error = new KmsError(code, "message", kmsDetails);
    expect(error).toBeInstanceOf(KeyBackendError);
    expect(error).toBeInstanceOf(SignetError);
    expect(error).toMatchObject({
      name: "KmsError",
      code,
      status,
      backend: "AWS_KMS",
      transient,
      keyId: kmsDetails.keyId,
      region: "eu-west-1",
      operation: "Sign",
    });
  });

  it.each<[Pkcs11ErrorCode, number, boolean]>([
    ["pkcs11.invalid_reference", 400, false],
    ["pkcs11.binding_unavailable", 500, false],
    ["pkcs11.module_not_found", 502, false],
    ["pkcs11.token_not_found", 409, false],
    ["pkcs11.pin_incorrect", 409, false],
    ["pkcs11.pin_locked", 409, false],
    ["pkcs11.key_not_found", 409, false],
    ["pkcs11.ambiguous", 409, false],
    ["pkcs11.unsupported_key", 400, false],
    ["pkcs11.device_error", 502, true],
    ["pkcs11.signature_invalid", 502, false],
  ])("Pkcs11Error %s: PKCS11, status %i, transient %s", (code, status, transient) => {
    const error = new Pkcs11Error(code, "message", {
      modulePath: "/usr/lib/softhsm/libsofthsm2.so",
      token: '"Signet"',
      ckr: "CKR_DEVICE_ERROR",
    });
    expect(error).toBeInstanceOf(KeyBackendError);
    expect(error).toBeInstanceOf(SignetError);
    expect(error).toMatchObject({
      name: "Pkcs11Error",
      code,
      status,
      backend: "PKCS11",
      transient,
      modulePath: "/usr/lib/softhsm/libsofthsm2.so",
      ckr: "CKR_DEVICE_ERROR",
    });
  });

  it.each<[PlatformKeyErrorCode, boolean]>([
    ["master_key.missing", false],
    ["master_key.malformed", false],
    ["master_key.mismatch", false],
    ["master_key.unavailable", true],
    ["platform_key.decrypt_failed", false],
    ["platform_key.destroyed", false],
    ["platform_key.signature_invalid", false],
  ])("PlatformKeyError %s: PLATFORM, transient %s", (code, transient) => {
    const error = new PlatformKeyError(code, "message");
    expect(error).toBeInstanceOf(KeyBackendError);
    expect(error).toBeInstanceOf(SignetError);
    expect(error).toMatchObject({ name: "PlatformKeyError", code, status: 500, backend: "PLATFORM", transient });
    expect(new PlatformKeyError(code, "message", { status: 409 }).status).toBe(409);
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("ThrottlingException: Rate exceeded");
    expect(new KmsError("kms.throttled", "message", kmsDetails, { cause }).cause).toBe(cause);
    expect(new Pkcs11Error("pkcs11.device_error", "message", { modulePath: "/m.so" }, { cause }).cause).toBe(cause);
    expect(new PlatformKeyError("master_key.mismatch", "message", { cause }).cause).toBe(cause);
  });

  it("is not what a caller's own mistake or another engine error is", () => {
    expect(new KeyError("key.digest_mismatch", "The digest does not match.")).not.toBeInstanceOf(KeyBackendError);
    expect(new SignetError("kms.throttled", "a code that merely looks like a backend's")).not.toBeInstanceOf(
      KeyBackendError,
    );
  });
});
