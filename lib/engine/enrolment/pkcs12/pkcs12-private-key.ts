/**
 * The private key of a PKCS#12 as PKCS#8 DER, for the caller to encrypt at rest.
 *
 * Why not from loadPkcs12 (lib/keys/local/pkcs12.ts): it returns a
 * LocalKeyBackend, whose KeyObject is a private field, and no key bytes. Until
 * it can hand out the PKCS#8, the key is taken here, from a file that
 * loadPkcs12 has already opened (so the password is known to be right):
 *   1. the key bags in unencrypted contents (OpenSSL, Windows and Java put
 *      shrouded PKCS#8 there) are decrypted by node:crypto, which follows the
 *      same password rules as OpenSSL (UTF-8 for PBES2, BMPString for the
 *      PKCS#12 PBEs);
 *   2. otherwise (a key bag inside an encrypted content, or a cipher node:crypto
 *      lacks, such as RC2) node-forge opens the file as loadPkcs12 does.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { canonicalSpki } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import type { PfxOverview } from "@/lib/engine/enrolment/pkcs12/pfx-overview";

/** PKCS#8 DER of the key whose public key is `spki`. The caller encrypts it and then overwrites it (zeroize). */
export function pkcs12PrivateKey(
  file: Uint8Array,
  password: string,
  overview: PfxOverview,
  spki: Uint8Array,
): Uint8Array {
  const target = canonicalSpki(spki);
  const key =
    overview.keyBags
      .map((bag) => nativeKey(bag.der, bag.shrouded ? password : undefined))
      .find((k) => k !== undefined && matches(k, target)) ?? forgeKey(file, password, target);
  if (!key)
    throw new KeyError("pkcs12.unreadable", "The private key of the PKCS#12 file could not be taken out of it.");
  return key.export({ type: "pkcs8", format: "der" });
}

function nativeKey(der: Uint8Array, passphrase: string | undefined): KeyObject | undefined {
  try {
    // A view, not a copy: no second plaintext buffer is left behind.
    return createPrivateKey({
      key: Buffer.from(der.buffer, der.byteOffset, der.length),
      format: "der",
      type: "pkcs8",
      ...(passphrase === undefined ? {} : { passphrase }),
    });
  } catch {
    return undefined;
  }
}

function matches(key: KeyObject, spki: Uint8Array): boolean {
  return bytesEqual(new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" })), spki);
}

const KEY_BAGS = [forge.pki.oids.keyBag as string, forge.pki.oids.pkcs8ShroudedKeyBag as string];

function forgeKey(file: Uint8Array, password: string, spki: Uint8Array): KeyObject | undefined {
  const pkcs5 = forge.pkcs5 as unknown as { pbkdf2: (password: string, ...rest: unknown[]) => unknown };
  const pbkdf2 = pkcs5.pbkdf2;
  // PBES2 hashes the password's UTF-8 bytes; forge would use its UTF-16 code units (see lib/keys/local/pkcs12.ts).
  pkcs5.pbkdf2 = (pass: string, ...rest: unknown[]) => pbkdf2(forge.util.encodeUtf8(pass), ...rest);
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(file).toString("binary"))),
      false,
      password,
    );
  } catch {
    return undefined;
  } finally {
    pkcs5.pbkdf2 = pbkdf2;
  }
  for (const bag of pfx.safeContents.flatMap((safe) => safe.safeBags)) {
    if (!KEY_BAGS.includes(bag.type ?? "")) continue;
    const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
    const der = new Uint8Array(Buffer.from(forge.asn1.toDer(info).getBytes(), "binary"));
    try {
      const key = nativeKey(der, undefined);
      if (key && matches(key, spki)) return key;
    } finally {
      der.fill(0);
    }
  }
  return undefined;
}
