import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  disposeSoftHsm,
  getSoftHsm,
  softHsmAvailability,
  type SoftHsm,
  type SoftHsmToken,
} from "@/test/support/softhsm-token";
import { pkcs11Tool, pkcs11ToolAvailability, pkcs11ToolKeypairgen } from "@/test/support/softhsm-pkcs11-tool";
import { generateRsaKeyRaw } from "@/test/support/softhsm-child";
import { testSignRequest, verifiesWith } from "@/test/support/softhsm-fixtures";
import { getTestPki } from "@/test/support/pki-fixtures";
import { issueCertificateForPublicKey } from "@/test/support/kms-certificate";
import { CKM } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { Pkcs11KeyBackend, type Pkcs11KeyBackendOptions } from "@/lib/engine/keys/pkcs11/pkcs11-key-backend";
import { Pkcs11Error, type Pkcs11ErrorCode } from "@/lib/engine/keys/pkcs11/pkcs11-errors";

const softhsm = softHsmAvailability();
const tool = softhsm.available ? pkcs11ToolAvailability() : softhsm;

const WRONG_PIN = "wrong-PIN-31337";

/** Everything an error could leak through: message, stack, fields, cause, util.inspect, JSON. */
function everythingIn(error: unknown): string {
  const record = error as Record<string, unknown>;
  return [
    String(error),
    String(record.stack),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    String(record.cause),
  ].join("\n");
}

async function failure(run: () => Promise<unknown>): Promise<Pkcs11Error> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Pkcs11Error)) throw new Error(`expected a Pkcs11Error, got ${inspect(error)}`);
  return error;
}

describe.skipIf(!softhsm.available || !tool.available)("Pkcs11KeyBackend failures on SoftHSM2", () => {
  let hsm: SoftHsm;
  let main: SoftHsmToken;
  let second: SoftHsmToken;
  let dir: string;
  const opened: Pkcs11KeyBackend[] = [];

  const options = (key: Partial<Pkcs11KeyBackendOptions>): Pkcs11KeyBackendOptions => ({
    modulePath: hsm.modulePath,
    tokenLabel: main.label,
    pin: main.userPin,
    ...key,
  });
  const open = async (key: Partial<Pkcs11KeyBackendOptions>) => {
    const backend = await Pkcs11KeyBackend.open(options(key));
    opened.push(backend);
    return backend;
  };
  const openFails = (key: Partial<Pkcs11KeyBackendOptions>) => failure(() => open(key));
  const keypairgen = (keyType: string, label: string, id: string) =>
    pkcs11ToolKeypairgen(hsm, main, { keyType, label, id });

  beforeAll(async () => {
    hsm = getSoftHsm();
    dir = await mkdtemp(path.join(hsm.dir, "objects-"));
    // Every token exists before this process first initialises the library (SoftHSM lists slots at C_Initialize).
    main = await hsm.initToken("first-token");
    second = await hsm.initToken("second-token");
    await keypairgen("EC:prime256v1", "good", "01");
    await pkcs11ToolKeypairgen(hsm, second, { keyType: "EC:prime256v1", label: "good", id: "01" });
    await keypairgen("EC:secp256k1", "k1", "02");
    await keypairgen("rsa:1024", "rsa1024", "03");
    await generateRsaKeyRaw(hsm, main, { label: "no-sign", id: "04", sign: false });
    await generateRsaKeyRaw(hsm, main, {
      label: "sha256-only",
      id: "05",
      sign: true,
      allowedMechanisms: [CKM.SHA256_RSA_PKCS],
    });
    await keypairgen("EC:prime256v1", "dup", "d001");
    await keypairgen("EC:prime256v1", "dup", "d002");
  });
  afterAll(async () => {
    for (const backend of opened) await backend.close();
    disposeSoftHsm();
  });

  describe("a wrong PIN", () => {
    it("→ pkcs11.pin_incorrect, and neither the wrong nor the right PIN appears anywhere in the error", async () => {
      const error = await openFails({ keyLabel: "good", pin: WRONG_PIN });
      expect(error.code).toBe("pkcs11.pin_incorrect");
      expect(error.ckr).toBe("CKR_PIN_INCORRECT");
      expect(error.operation).toBe("C_Login");
      expect(error.message).toContain(`token "${main.label}" rejected the user PIN`);
      expect(error.status).toBe(409);
      const text = everythingIn(error);
      expect(text).not.toContain(WRONG_PIN);
      expect(text).not.toContain(main.userPin);
    });

    it("is refused even while another backend keeps the token logged in (PKCS#11 would answer CKR_USER_ALREADY_LOGGED_IN)", async () => {
      const good = await open({ keyLabel: "good" });
      const error = await openFails({ keyLabel: "good", pin: WRONG_PIN });
      expect(error.code).toBe("pkcs11.pin_incorrect");
      expect(error.message).toContain("is not the PIN this Signet process is already logged in to");
      expect(everythingIn(error)).not.toContain(WRONG_PIN);
      expect(everythingIn(error)).not.toContain(main.userPin);
      // The right PIN joins the login; the other token keeps its own login and its own PIN.
      const again = await open({ keyLabel: "good" });
      expect(Buffer.from(await again.publicKey())).toEqual(Buffer.from(await good.publicKey()));
      expect((await openFails({ tokenLabel: second.label, keyLabel: "good", pin: main.userPin })).code).toBe(
        "pkcs11.pin_incorrect",
      );
      const onSecond = await open({ tokenLabel: second.label, keyLabel: "good", pin: second.userPin });
      const request = testSignRequest("SHA-256");
      expect(verifiesWith(await onSecond.publicKey(), request, await onSecond.sign(request))).toBe(true);
    });

    it("an empty PIN is a configuration error, not a login attempt", async () => {
      expect((await openFails({ keyLabel: "good", pin: "" })).code).toBe("pkcs11.invalid_reference");
    });
  });

  describe("what cannot be found", () => {
    const CASES: [string, () => Partial<Pkcs11KeyBackendOptions>, Pkcs11ErrorCode, string][] = [
      [
        "unknown token label",
        () => ({ tokenLabel: "no-such-token", keyLabel: "good" }),
        "pkcs11.token_not_found",
        'no usable token "no-such-token"',
      ],
      [
        "unknown slot id",
        () => ({ tokenLabel: undefined, slot: 424242, keyLabel: "good" }),
        "pkcs11.token_not_found",
        "no usable token in slot 424242",
      ],
      [
        "unknown key label",
        () => ({ keyLabel: "no-such-key" }),
        "pkcs11.key_not_found",
        'cannot find the PKCS#11 key label "no-such-key" on the token',
      ],
      ["unknown key id", () => ({ keyId: "ffff" }), "pkcs11.key_not_found", "cannot find the PKCS#11 key id ffff"],
      [
        "missing library",
        () => ({ modulePath: "/nonexistent/libvendor-pkcs11.so", keyLabel: "good" }),
        "pkcs11.module_not_found",
        "there is no such file",
      ],
      [
        "a shared library that is not PKCS#11",
        () => ({ modulePath: path.resolve("node_modules/pkcs11js/build/Release/pkcs11.node"), keyLabel: "good" }),
        "pkcs11.module_not_found",
        "it is not a PKCS#11 library",
      ],
      [
        "a relative library path",
        () => ({ modulePath: "libsofthsm2.so", keyLabel: "good" }),
        "pkcs11.invalid_reference",
        "must be absolute",
      ],
      ["a key id that is not hex", () => ({ keyId: "key-1" }), "pkcs11.invalid_reference", "hexadecimal"],
      ["two keys with one label", () => ({ keyLabel: "dup" }), "pkcs11.ambiguous", "2 private keys on the token"],
    ];
    for (const [name, key, code, text] of CASES) {
      it(`${name} → ${code}`, async () => {
        const error = await openFails(key());
        expect(error.code).toBe(code);
        expect(error.message).toContain(text);
        expect(everythingIn(error)).not.toContain(main.userPin);
      });
    }

    it("of two keys with one label, each is found by its id", async () => {
      const one = await open({ keyLabel: "dup", keyId: "d001" });
      const two = await open({ keyId: "d002" });
      expect(Buffer.from(await one.publicKey())).not.toEqual(Buffer.from(await two.publicKey()));
    });
  });

  describe("keys Signet does not sign with", () => {
    const CASES: [string, string, string][] = [
      ["an EC key on secp256k1", "k1", "secp256k1"],
      ["an RSA 1024 key", "rsa1024", "RSA 1024-bit key, below 2048 bits"],
      ["a key with CKA_SIGN false", "no-sign", "CKA_SIGN is false"],
    ];
    for (const [name, label, text] of CASES) {
      it(`${name} → pkcs11.unsupported_key`, async () => {
        const error = await openFails({ keyLabel: label });
        expect(error.code).toBe("pkcs11.unsupported_key");
        expect(error.message).toContain(text);
      });
    }

    it("a key limited by CKA_ALLOWED_MECHANISMS to CKM_SHA256_RSA_PKCS signs SHA-256 that way, and refuses SHA-384", async () => {
      const backend = await open({ keyLabel: "sha256-only" });
      const request = testSignRequest("SHA-256");
      expect(verifiesWith(await backend.publicKey(), request, await backend.sign(request))).toBe(true);
      const error = await failure(() => backend.sign(testSignRequest("SHA-384")));
      expect(error.code).toBe("pkcs11.unsupported_key");
      expect(error.message).toContain("SHA-384");
    });
  });

  describe("the token changing behind a backend", () => {
    it("an EC public key object that belongs to another key → pkcs11.signature_invalid, nothing returned", async () => {
      await keypairgen("EC:prime256v1", "swapped", "bad0");
      await pkcs11Tool(hsm, main, ["--delete-object", "--type", "pubkey", "--id", "bad0"]);
      const stranger = path.join(dir, "stranger.der");
      await writeFile(
        stranger,
        generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" }),
      );
      await pkcs11Tool(hsm, main, [
        "--write-object",
        stranger,
        "--type",
        "pubkey",
        "--id",
        "bad0",
        "--label",
        "swapped",
      ]);
      const backend = await open({ keyId: "bad0" });
      const error = await failure(() => backend.sign(testSignRequest("SHA-256")));
      expect(error.code).toBe("pkcs11.signature_invalid");
      expect(error.message).toContain("does not verify with the key's public key");
      expect(error.status).toBe(502);
    });

    it("an EC key without a public key object: pkcs11.key_not_found; with its certificate imported, the public key comes from it", async () => {
      await keypairgen("EC:secp384r1", "cert-only", "bad1");
      const before = await open({ keyId: "bad1" });
      const spki = await before.publicKey();
      await before.close();
      await pkcs11Tool(hsm, main, ["--delete-object", "--type", "pubkey", "--id", "bad1"]);
      const error = await openFails({ keyId: "bad1" });
      expect(error.code).toBe("pkcs11.key_not_found");
      expect(error.message).toContain("cannot learn its public key");

      const certificate = await issueCertificateForPublicKey(await getTestPki(), spki, "Signet PKCS#11 cert-only");
      const certPath = path.join(dir, "cert-only.der");
      await writeFile(certPath, certificate.certDer);
      await pkcs11Tool(hsm, main, [
        "--write-object",
        certPath,
        "--type",
        "cert",
        "--id",
        "bad1",
        "--label",
        "cert-only",
      ]);
      const after = await open({ keyId: "bad1" });
      expect(Buffer.from(await after.publicKey())).toEqual(Buffer.from(spki));
      const request = testSignRequest("SHA-384");
      expect(verifiesWith(spki, request, await after.sign(request))).toBe(true);
    });

    it("a key deleted while a backend holds it → pkcs11.key_not_found at the next signature", async () => {
      await keypairgen("EC:prime256v1", "deleted", "bad2");
      const backend = await open({ keyId: "bad2" });
      await backend.sign(testSignRequest("SHA-256"));
      await pkcs11Tool(hsm, main, ["--delete-object", "--type", "privkey", "--id", "bad2"]);
      const error = await failure(() => backend.sign(testSignRequest("SHA-256")));
      expect(error.code).toBe("pkcs11.key_not_found");
      expect(error.message).toContain("seals made before still verify");
    });

    it("a key replaced under the same label and id → pkcs11.key_not_found, never a signature by the new key", async () => {
      await keypairgen("EC:prime256v1", "replaced", "bad3");
      const backend = await open({ keyLabel: "replaced", keyId: "bad3" });
      await pkcs11Tool(hsm, main, ["--delete-object", "--type", "privkey", "--id", "bad3"]);
      await pkcs11Tool(hsm, main, ["--delete-object", "--type", "pubkey", "--id", "bad3"]);
      await keypairgen("EC:prime256v1", "replaced", "bad3");
      const error = await failure(() => backend.sign(testSignRequest("SHA-256")));
      expect(error.code).toBe("pkcs11.key_not_found");
      expect(error.message).toContain("not the one Signet opened");
    });
  });
});
