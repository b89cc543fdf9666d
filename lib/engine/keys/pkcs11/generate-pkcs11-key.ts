/**
 * Generates a signing key pair inside a PKCS#11 token (C_GenerateKeyPair): the
 * private key is a token object that is sensitive and not extractable, allowed to
 * sign and nothing else; the public key object carries the same CKA_LABEL and
 * CKA_ID and may verify. The protection attributes are read back after
 * generation, and a token that did not honour them gets its new pair destroyed.
 * Returns what Signet stores: the reference (label, id) and the public key.
 */
import { randomBytes } from "node:crypto";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import type { Handle, Pkcs11Template } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKA, CKK, CKM, CKO } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import type { Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { acquirePkcs11Module, releasePkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import { findToken } from "@/lib/engine/keys/pkcs11/pkcs11-token";
import { Pkcs11Session } from "@/lib/engine/keys/pkcs11/pkcs11-session";
import { booleanOf, findObjects, readAttribute } from "@/lib/engine/keys/pkcs11/pkcs11-objects";
import { ecParamsOf } from "@/lib/engine/keys/pkcs11/pkcs11-ec";
import { ecSpki, rsaSpki } from "@/lib/engine/keys/pkcs11/pkcs11-public-key";
import {
  describeKey,
  parseKeyId,
  parseTokenReference,
  type Pkcs11TokenReference,
} from "@/lib/engine/keys/pkcs11/pkcs11-reference";
import { pkcs11Error, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export type Pkcs11KeyGenAlgorithm =
  { kind: "RSA"; modulusBits: 2048 | 3072 | 4096 } | { kind: "EC"; curve: "P-256" | "P-384" };

export interface GeneratePkcs11KeyOptions extends Pkcs11TokenReference {
  /** The token's user PIN. Never logged, never in an error. */
  pin: string;
  /** CKA_LABEL of the new key pair; must not already name a key on the token. */
  label: string;
  /** CKA_ID in hex; default 16 random bytes. Must not already be used on the token. */
  id?: string;
  algorithm: Pkcs11KeyGenAlgorithm;
}

/** The private key's attributes as read back from the token after generation. */
export interface Pkcs11KeyProtection {
  token: boolean;
  private: boolean;
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean | undefined;
  neverExtractable: boolean | undefined;
  sign: boolean;
}

export interface GeneratedPkcs11Key {
  modulePath: string;
  tokenLabel: string;
  keyLabel: string;
  /** CKA_ID, hex. */
  keyId: string;
  algorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Uint8Array;
  protection: Pkcs11KeyProtection;
}

const RSA_SIZES = [2048, 3072, 4096];
const EC_CURVES = ["P-256", "P-384"];
const F4 = Buffer.from([0x01, 0x00, 0x01]);

function templates(
  algorithm: Pkcs11KeyGenAlgorithm,
  label: string,
  id: Buffer,
): { mechanism: number; publicKey: Pkcs11Template; privateKey: Pkcs11Template } {
  const common = [
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: Buffer.from(label, "utf8") },
    { type: CKA.ID, value: id },
  ];
  const publicKey: Pkcs11Template = [
    { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
    ...common,
    { type: CKA.PRIVATE, value: false },
    { type: CKA.VERIFY, value: true },
    { type: CKA.ENCRYPT, value: false },
    { type: CKA.WRAP, value: false },
  ];
  const privateKey: Pkcs11Template = [
    { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
    ...common,
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    { type: CKA.SIGN, value: true },
    { type: CKA.SIGN_RECOVER, value: false },
    { type: CKA.DECRYPT, value: false },
    { type: CKA.UNWRAP, value: false },
  ];
  if (algorithm.kind === "RSA") {
    publicKey.push(
      { type: CKA.KEY_TYPE, value: CKK.RSA },
      { type: CKA.MODULUS_BITS, value: algorithm.modulusBits },
      { type: CKA.PUBLIC_EXPONENT, value: F4 },
    );
    privateKey.push({ type: CKA.KEY_TYPE, value: CKK.RSA });
    return { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN, publicKey, privateKey };
  }
  publicKey.push({ type: CKA.KEY_TYPE, value: CKK.EC }, { type: CKA.EC_PARAMS, value: ecParamsOf(algorithm.curve) });
  privateKey.push({ type: CKA.KEY_TYPE, value: CKK.EC }, { type: CKA.DERIVE, value: false });
  return { mechanism: CKM.EC_KEY_PAIR_GEN, publicKey, privateKey };
}

function describeAlgorithm(algorithm: Pkcs11KeyGenAlgorithm): string {
  return algorithm.kind === "RSA" ? `RSA ${algorithm.modulusBits}` : `ECDSA ${algorithm.curve}`;
}

function readProtection(session: Pkcs11Session, key: Handle, context: Pkcs11ErrorDetails): Pkcs11KeyProtection {
  const flag = (type: number) => booleanOf(readAttribute(session, key, type, context));
  return {
    token: flag(CKA.TOKEN) === true,
    private: flag(CKA.PRIVATE) === true,
    sensitive: flag(CKA.SENSITIVE) === true,
    extractable: flag(CKA.EXTRACTABLE) !== false,
    alwaysSensitive: flag(CKA.ALWAYS_SENSITIVE),
    neverExtractable: flag(CKA.NEVER_EXTRACTABLE),
    sign: flag(CKA.SIGN) === true,
  };
}

function publicKeyOf(
  session: Pkcs11Session,
  object: Handle,
  algorithm: Pkcs11KeyGenAlgorithm,
  context: Pkcs11ErrorDetails,
): Uint8Array | undefined {
  if (algorithm.kind === "RSA") {
    const modulus = readAttribute(session, object, CKA.MODULUS, context);
    const exponent = readAttribute(session, object, CKA.PUBLIC_EXPONENT, context);
    return modulus && exponent ? rsaSpki(modulus, exponent) : undefined;
  }
  const point = readAttribute(session, object, CKA.EC_POINT, context);
  return point ? ecSpki(algorithm.curve, point) : undefined;
}

export async function generatePkcs11Key(options: GeneratePkcs11KeyOptions): Promise<GeneratedPkcs11Key> {
  const reference = parseTokenReference(options);
  const base: Pkcs11ErrorDetails = { modulePath: reference.modulePath, token: reference.tokenText };
  const invalid = (reason: string): never => {
    throw pkcs11Error("pkcs11.invalid_reference", base, { reason });
  };
  const label = options.label?.trim() ?? "";
  if (!label) invalid("give the new key a label");
  const id = options.id === undefined ? randomBytes(16) : parseKeyId(options.id);
  if (!id) return invalid(`the key id must be hexadecimal (for example 0a1b2c), not "${options.id ?? ""}"`);
  const algorithm = options.algorithm;
  const supported =
    algorithm.kind === "RSA" ? RSA_SIZES.includes(algorithm.modulusBits) : EC_CURVES.includes(algorithm.curve);
  if (!supported)
    invalid(
      `Signet generates RSA 2048, 3072 or 4096 and ECDSA P-256 or P-384 keys, not ${describeAlgorithm(algorithm)}`,
    );
  if (typeof options.pin !== "string" || options.pin.length === 0)
    invalid("the PIN is empty (check the environment variable or secret it is read from)");

  const context: Pkcs11ErrorDetails = { ...base, key: describeKey(label, id) };
  const library = acquirePkcs11Module(reference.modulePath);
  try {
    const token = findToken(library, reference);
    const session = Pkcs11Session.open(library, token, options.pin, { readWrite: true, context });
    try {
      for (const [what, template] of [
        [`label "${label}"`, [{ type: CKA.LABEL, value: Buffer.from(label, "utf8") }]],
        [`id ${id.toString("hex")}`, [{ type: CKA.ID, value: id }]],
      ] as const) {
        if (findObjects(session, [...template], context, 1).length > 0) {
          invalid(`the token ${reference.tokenText} already holds an object with ${what}; choose another`);
        }
      }

      const { mechanism, publicKey, privateKey } = templates(algorithm, label, id);
      let pair: { publicKey: Handle; privateKey: Handle };
      try {
        pair = await library.api.C_GenerateKeyPairAsync(session.handle, { mechanism }, publicKey, privateKey);
      } catch (error) {
        throw toPkcs11Error(
          error,
          { ...context, operation: "C_GenerateKeyPair" },
          { reason: `the token could not generate an ${describeAlgorithm(algorithm)} key pair` },
        );
      }

      const destroy = () => {
        for (const handle of [pair.privateKey, pair.publicKey]) {
          try {
            library.api.C_DestroyObject(session.handle, handle);
          } catch {
            // Report the original problem.
          }
        }
      };
      let protection: Pkcs11KeyProtection;
      let spki: Uint8Array | undefined;
      try {
        protection = readProtection(session, pair.privateKey, context);
        spki = publicKeyOf(session, pair.publicKey, algorithm, context);
      } catch (error) {
        destroy();
        throw error;
      }
      if (!protection.token || !protection.sensitive || protection.extractable || !protection.sign) {
        destroy();
        throw pkcs11Error("pkcs11.device_error", context, {
          reason:
            "the token did not create the private key as asked (token object, CKA_SENSITIVE true, CKA_EXTRACTABLE false, CKA_SIGN true), " +
            "so Signet destroyed it. Check the token's key-generation policy",
        });
      }
      if (!spki) {
        destroy();
        throw pkcs11Error("pkcs11.device_error", context, {
          reason: "the token returned no usable public key for the new key pair, so Signet destroyed it",
        });
      }
      const generated: KeyAlgorithm =
        algorithm.kind === "RSA"
          ? { kind: "RSA", modulusBits: algorithm.modulusBits }
          : { kind: "EC", curve: algorithm.curve };
      return {
        modulePath: reference.modulePath,
        tokenLabel: token.label,
        keyLabel: label,
        keyId: id.toString("hex"),
        algorithm: generated,
        publicKey: spki,
        protection,
      };
    } finally {
      session.close();
    }
  } finally {
    releasePkcs11Module(library);
  }
}
