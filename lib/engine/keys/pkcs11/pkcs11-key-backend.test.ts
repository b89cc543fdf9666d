import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  disposeSoftHsm,
  getSoftHsm,
  softHsmAvailability,
  type SoftHsm,
  type SoftHsmToken,
} from "@/test/support/softhsm-token";
import { pkcs11ToolAvailability, pkcs11ToolKeypairgen } from "@/test/support/softhsm-pkcs11-tool";
import { testSignRequest, verifiesWith } from "@/test/support/softhsm-fixtures";
import { ecdsaDerToRaw } from "@/lib/engine/crypto/ecdsa-signature";
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { HASH_ALGORITHMS } from "@/lib/engine/crypto/hash";
import {
  generatePkcs11Key,
  type GeneratedPkcs11Key,
  type Pkcs11KeyGenAlgorithm,
} from "@/lib/engine/keys/pkcs11/generate-pkcs11-key";
import { Pkcs11KeyBackend, type Pkcs11KeyBackendOptions } from "@/lib/engine/keys/pkcs11/pkcs11-key-backend";
import { Pkcs11Error } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { acquirePkcs11Module, releasePkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import { findToken } from "@/lib/engine/keys/pkcs11/pkcs11-token";
import { parseTokenReference } from "@/lib/engine/keys/pkcs11/pkcs11-reference";

const softhsm = softHsmAvailability();
const tool = softhsm.available ? pkcs11ToolAvailability() : softhsm;

describe.skipIf(!softhsm.available)("Pkcs11KeyBackend on SoftHSM2", () => {
  let hsm: SoftHsm;
  let token: SoftHsmToken;
  const keys = new Map<string, GeneratedPkcs11Key>();
  const opened: Pkcs11KeyBackend[] = [];

  const open = async (key: Omit<Pkcs11KeyBackendOptions, "modulePath" | "pin"> & { pin?: string }) => {
    const backend = await Pkcs11KeyBackend.open({
      modulePath: hsm.modulePath,
      tokenLabel: token.label,
      pin: token.userPin,
      ...key,
    });
    opened.push(backend);
    return backend;
  };

  beforeAll(async () => {
    hsm = getSoftHsm();
    token = await hsm.initToken("backend");
    const algorithms: [string, Pkcs11KeyGenAlgorithm][] = [
      ["rsa2048", { kind: "RSA", modulusBits: 2048 }],
      ["ec256", { kind: "EC", curve: "P-256" }],
      ["ec384", { kind: "EC", curve: "P-384" }],
    ];
    for (const [name, algorithm] of algorithms) {
      keys.set(
        name,
        await generatePkcs11Key({
          modulePath: hsm.modulePath,
          tokenLabel: token.label,
          pin: token.userPin,
          label: name,
          algorithm,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const backend of opened) await backend.close();
    disposeSoftHsm();
  });

  for (const name of ["rsa2048", "ec256", "ec384"]) {
    for (const hash of HASH_ALGORITHMS) {
      it(`${name} / ${hash}: signs; the signature verifies with the key's public key (EC: DER ECDSA-Sig-Value)`, async () => {
        const key = keys.get(name);
        if (!key) throw new Error("key not generated");
        const backend = await open({ keyLabel: name });
        expect(await backend.keyAlgorithm()).toEqual(key.algorithm);
        expect(Buffer.from(await backend.publicKey())).toEqual(Buffer.from(key.publicKey));
        const request = testSignRequest(hash);
        const signature = await backend.sign(request);
        expect(verifiesWith(key.publicKey, request, signature)).toBe(true);
        if (key.algorithm.kind === "EC") {
          expect(signature[0]).toBe(0x30); // DER, not raw r‖s
          expect(ecdsaDerToRaw(signature, key.algorithm.curve)).toHaveLength(key.algorithm.curve === "P-256" ? 64 : 96);
        } else {
          expect(signature).toHaveLength(256);
        }
        // A different message does not verify with that signature.
        expect(verifiesWith(key.publicKey, testSignRequest(hash), signature)).toBe(false);
      });
    }
  }

  describe.skipIf(!tool.available)("a key an administrator made with pkcs11-tool --keypairgen", () => {
    const EXISTING: [string, string, string, KeyAlgorithm][] = [
      ["rsa:2048", "admin-rsa", "c0ffee01", { kind: "RSA", modulusBits: 2048 }],
      ["EC:prime256v1", "admin-ec256", "c0ffee02", { kind: "EC", curve: "P-256" }],
      ["EC:secp384r1", "admin-ec384", "c0ffee03", { kind: "EC", curve: "P-384" }],
    ];
    beforeAll(async () => {
      for (const [keyType, label, id] of EXISTING)
        await pkcs11ToolKeypairgen(hsm, token, { keyType, label, id, usage: ["sign"] });
    });

    for (const [, label, id, algorithm] of EXISTING) {
      it(`${label}: found by label, by id (any hex spelling) and by both, as the same key; signs`, async () => {
        const byLabel = await open({ keyLabel: label });
        const byId = await open({ keyId: id.toUpperCase().replace(/(..)(?=.)/g, "$1:") });
        const byBoth = await open({ keyLabel: label, keyId: id });
        expect(await byLabel.keyAlgorithm()).toEqual(algorithm);
        const spki = await byLabel.publicKey();
        expect(Buffer.from(await byId.publicKey())).toEqual(Buffer.from(spki));
        expect(Buffer.from(await byBoth.publicKey())).toEqual(Buffer.from(spki));
        expect(byLabel.identity()).toMatchObject({ keyLabel: label, keyId: id, tokenLabel: token.label });
        expect(byLabel.description).toBe(
          `PKCS#11 key label "${label}" (id ${id}) on token "${token.label}" (${hsm.modulePath})`,
        );
        for (const hash of ["SHA-256", "SHA-512"] as HashAlgorithm[]) {
          const request = testSignRequest(hash);
          expect(verifiesWith(spki, request, await byId.sign(request))).toBe(true);
        }
      });
    }

    it("a label with another key's id matches nothing", async () => {
      const error = await open({ keyLabel: "admin-rsa", keyId: "c0ffee02" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pkcs11Error);
      expect((error as Pkcs11Error).code).toBe("pkcs11.key_not_found");
    });
  });

  it("the token is found by slot id as well as by label", async () => {
    const byLabel = await open({ keyLabel: "ec256" });
    const slot = Number(byLabel.identity().slot);
    const bySlot = await Pkcs11KeyBackend.open({
      modulePath: hsm.modulePath,
      slot,
      pin: token.userPin,
      keyLabel: "ec256",
    });
    opened.push(bySlot);
    expect(Buffer.from(await bySlot.publicKey())).toEqual(Buffer.from(await byLabel.publicKey()));
  });

  it("serialises concurrent signatures on one session; several backends on one token sign in parallel", async () => {
    const rsa = await open({ keyLabel: "rsa2048" });
    const ec = await open({ keyLabel: "ec384" });
    const jobs = Array.from({ length: 24 }, (_, i) => {
      const backend = i % 2 === 0 ? rsa : ec;
      const request = testSignRequest(HASH_ALGORITHMS[i % 3] as HashAlgorithm);
      return backend
        .sign(request)
        .then(async (signature) => verifiesWith(await backend.publicKey(), request, signature));
    });
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 24 }, () => true));
  });

  it("accepts the registered public key and checks it; closing one backend leaves the token's other sessions logged in", async () => {
    const key = keys.get("ec256");
    if (!key) throw new Error("key not generated");
    const first = await open({ keyId: key.keyId, publicKey: key.publicKey });
    const second = await open({ keyId: key.keyId });
    await first.close();
    await first.close(); // idempotent
    const request = testSignRequest("SHA-256");
    expect(verifiesWith(key.publicKey, request, await second.sign(request))).toBe(true);
    await expect(first.sign(testSignRequest("SHA-256"))).rejects.toThrow(/was closed/);
    const other = keys.get("ec384");
    const mismatch = await open({ keyId: key.keyId, publicKey: other?.publicKey }).catch((e: unknown) => e);
    expect((mismatch as Pkcs11Error).code).toBe("pkcs11.key_not_found");
    expect((mismatch as Pkcs11Error).message).toContain("not the key registered with Signet");
  });

  it("a session lost under the backend (as after an HSM restart) is reopened and logged in again; the signature succeeds", async () => {
    const backend = await open({ keyLabel: "rsa2048" });
    const spki = await backend.publicKey();
    await backend.checkSession();
    // Close every session of this process on the token, behind the backend's back (this also logs the token out).
    const library = acquirePkcs11Module(hsm.modulePath);
    try {
      const token = findToken(library, parseTokenReference({ modulePath: hsm.modulePath, tokenLabel: "backend" }));
      library.api.C_CloseAllSessions(token.slot);
    } finally {
      releasePkcs11Module(library);
    }
    const request = testSignRequest("SHA-256");
    expect(verifiesWith(spki, request, await backend.sign(request))).toBe(true);
    await backend.checkSession();
    // The other backends of this file lost their sessions too, and recover the same way.
    const ec = await open({ keyLabel: "ec384" });
    const ecRequest = testSignRequest("SHA-384");
    expect(verifiesWith(await ec.publicKey(), ecRequest, await ec.sign(ecRequest))).toBe(true);
    for (const other of opened.slice(0, 3)) {
      const r = testSignRequest("SHA-256");
      expect(verifiesWith(await other.publicKey(), r, await other.sign(r))).toBe(true);
    }
  });

  it("holds the PIN out of sight: not in util.inspect, JSON, the description or the identity", async () => {
    const backend = await open({ keyLabel: "ec256" });
    const shown = [
      inspect(backend, { showHidden: true, depth: 10 }),
      JSON.stringify(backend),
      backend.description,
      JSON.stringify(backend.identity()),
    ].join("\n");
    expect(shown).toContain("ec256");
    expect(shown).not.toContain(token.userPin);
  });

  it("refuses to sign a message that does not match its digest", async () => {
    const backend = await open({ keyLabel: "ec256" });
    const request = testSignRequest("SHA-256");
    await expect(backend.sign({ ...request, digest: new Uint8Array(32) })).rejects.toMatchObject({
      code: "key.digest_mismatch",
    });
  });
});
