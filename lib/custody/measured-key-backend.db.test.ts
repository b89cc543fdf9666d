import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { measuredKeyBackend } from "@/lib/custody/measured-key-backend";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { digest } from "@/lib/engine/crypto/hash";
import { isSignetError } from "@/lib/engine/errors";
import type { KeyBackend } from "@/lib/engine/keys";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { signetMetrics } from "@/lib/metrics/signet-metrics";

const master = new LocalMasterKey(randomBytes(32).toString("base64"));
const message = new TextEncoder().encode("signed attributes stand-in");
const signRequest = { message, digest: digest("SHA-256", message), hash: "SHA-256" as const };
let t: TestDatabase;
let orgId: string;
let keyId: string;

/** GET /metrics's view: errors of one custody and code, and how many signatures of that custody were timed. */
async function keyMetrics(backend: string, code: string) {
  const m = signetMetrics();
  const errors = (await m.keyBackendErrors.get()).values.find(
    (v) => v.labels.backend === backend && v.labels.code === code,
  );
  const timed = (await m.signSeconds.get()).values.find(
    (v) => v.metricName === "signet_key_sign_duration_seconds_count" && v.labels.backend === backend,
  );
  return { errors: errors?.value ?? 0, timed: timed?.value ?? 0 };
}

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }]);
  ({ keyId } = await createPlatformKey(
    t.db,
    await authorize(t.db, userId, orgId, "certificates.manage"),
    { label: "seal", algorithm: "EC-P256" },
    master,
    {},
  ));
});
afterAll(async () => t?.drop());

describe("key backends as the services open them", () => {
  it("time every signature, and count a failing one under its custody and error code", async () => {
    const signed = await keyBackendFor(t.db, orgId, keyId, master);
    const before = await keyMetrics("platform", "master_key.mismatch");
    expect((await signed.sign(signRequest)).length).toBeGreaterThan(0);
    const afterSigning = await keyMetrics("platform", "master_key.mismatch");
    expect(afterSigning).toEqual({ errors: before.errors, timed: before.timed + 1 });

    // Another master key: the data key does not unwrap, and the backend's typed error is what is counted.
    const wrong = await keyBackendFor(t.db, orgId, keyId, new LocalMasterKey(randomBytes(32).toString("base64")));
    const error = await wrong.sign(signRequest).catch((e: unknown) => e);
    expect(isSignetError(error) && error.code).toBe("master_key.mismatch");
    expect(await keyMetrics("platform", "master_key.mismatch")).toEqual({
      errors: before.errors + 1,
      timed: before.timed + 2,
    });
  });

  it("pass every call through unchanged; an error that is not a SignetError counts as unexpected", async () => {
    let closed = 0;
    const signature = new Uint8Array([1, 2, 3]);
    const fake: KeyBackend = {
      description: "an HSM in a test",
      keyAlgorithm: async () => ({ kind: "EC", curve: "P-256" }),
      publicKey: () => Promise.reject(new Error("socket closed")),
      sign: async () => signature,
      close: async () => void closed++,
    };
    const measured = measuredKeyBackend(fake, "pkcs11");
    const before = await keyMetrics("pkcs11", "unexpected");
    expect(measured.description).toBe("an HSM in a test");
    expect(await measured.sign(signRequest)).toBe(signature);
    await expect(measured.publicKey()).rejects.toThrow("socket closed");
    await measured.close?.();
    expect(closed).toBe(1);
    expect(await keyMetrics("pkcs11", "unexpected")).toEqual({ errors: before.errors + 1, timed: before.timed + 1 });
  });
});
