/**
 * Opens a PKCS#12 (.p12/.pfx) file with node-forge: modern OpenSSL 3 files
 * (PBES2, PBKDF2, AES-256-CBC, HMAC-SHA-256 MAC) and legacy ones (3DES, RC2-40,
 * SHA-1 MAC).
 *
 * node-forge cannot interpret EC keys, but it still decrypts the shrouded key bag
 * and hands back the PrivateKeyInfo ASN.1, which we encode to DER and give to
 * node:crypto. Certificates are taken as their original DER: we stop forge from
 * parsing them (it would re-encode them from its own model, which changes the
 * bytes of e.g. ECDSA-signed certificates and so breaks their signatures).
 *
 * Passwords: the PKCS#12 MAC and the legacy PBEs use the password as BMPString
 * (forge does that from the JS string), but PBES2/PBKDF2 (OpenSSL 3's default)
 * uses its UTF-8 bytes, while forge would feed the JS string's char codes as
 * bytes. During the call we give forge's PBKDF2 the UTF-8 encoding, so non-ASCII
 * passwords work with both kinds of files.
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";

export interface Pkcs12Contents {
  backend: LocalKeyBackend;
  /** DER of the certificate whose public key matches the private key. */
  certificate: Uint8Array;
  /** DER of the other certificates, ordered from the signer's issuer upwards where they link. */
  chain: Uint8Array[];
}

const BAG_KEY = forge.pki.oids.keyBag as string;
const BAG_SHROUDED_KEY = forge.pki.oids.pkcs8ShroudedKeyBag as string;
const BAG_CERT = forge.pki.oids.certBag as string;

export function loadPkcs12(file: Uint8Array, password: string, options: { description?: string } = {}): Pkcs12Contents {
  const pfx = decodePfx(file, password);

  const keys: KeyObject[] = [];
  const certificates: Uint8Array[] = [];
  for (const safe of pfx.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === BAG_KEY || bag.type === BAG_SHROUDED_KEY) keys.push(privateKeyOfBag(bag));
      else if (bag.type === BAG_CERT && bag.asn1) certificates.push(derOf(bag.asn1));
    }
  }
  if (keys.length === 0) throw new KeyError("pkcs12.no_key", "The PKCS#12 file holds no private key.");
  if (certificates.length === 0) throw new KeyError("pkcs12.no_certificate", "The PKCS#12 file holds no certificate.");

  for (const key of keys) {
    const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
    const index = certificates.findIndex((der) => bytesEqual(certificateSpki(der), spki));
    if (index >= 0) {
      const certificate = certificates[index] as Uint8Array;
      const others = certificates.filter((_, i) => i !== index);
      return {
        backend: new LocalKeyBackend(key, options.description ?? "local PKCS#12 file"),
        certificate,
        chain: orderFromLeaf(certificate, others),
      };
    }
  }
  throw new KeyError("pkcs12.key_certificate_mismatch", "No certificate in the PKCS#12 file matches its private key.");
}

function decodePfx(file: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(file).toString("binary")));
  } catch (cause) {
    throw new KeyError("pkcs12.unreadable", "The file is not a PKCS#12 (.p12/.pfx) file.", { cause: safeCause(cause) });
  }
  const pki = forge.pki as unknown as { certificateFromAsn1: (...args: unknown[]) => unknown };
  const pkcs5 = forge.pkcs5 as unknown as { pbkdf2: (password: string, ...rest: unknown[]) => unknown };
  const parseCertificate = pki.certificateFromAsn1;
  const pbkdf2 = pkcs5.pbkdf2;
  // Keep every certificate as its original ASN.1, and use UTF-8 for PBKDF2 (see the header comment).
  pki.certificateFromAsn1 = () => {
    throw new Error("kept as ASN.1");
  };
  pkcs5.pbkdf2 = (pass: string, ...rest: unknown[]) => pbkdf2(forge.util.encodeUtf8(pass), ...rest);
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : "";
    if (/password|MAC could not be verified|decrypt/i.test(message)) {
      throw new KeyError("pkcs12.bad_password", "The PKCS#12 password is wrong (the file's integrity check failed).");
    }
    if (/unsupported|not supported|unknown/i.test(message)) {
      throw new KeyError("pkcs12.unreadable", "The PKCS#12 file uses an encryption algorithm that is not supported.", {
        cause: safeCause(cause),
      });
    }
    throw new KeyError("pkcs12.unreadable", "The PKCS#12 file could not be read.", { cause: safeCause(cause) });
  } finally {
    pki.certificateFromAsn1 = parseCertificate;
    pkcs5.pbkdf2 = pbkdf2;
  }
}

function privateKeyOfBag(bag: forge.pkcs12.Bag): KeyObject {
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  const der = derOf(info);
  try {
    return createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  } catch {
    throw new KeyError("key.unsupported_algorithm", "The private key in the PKCS#12 file is of an unsupported type.");
  } finally {
    der.fill(0);
  }
}

function derOf(asn1: forge.asn1.Asn1): Uint8Array {
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"));
}

function certificateSpki(der: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }));
  } catch {
    return new Uint8Array(0);
  }
}

function orderFromLeaf(leaf: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const parsed = others.map((der) => ({ der, x509: tryX509(der) }));
  const ordered: Uint8Array[] = [];
  let current = tryX509(leaf);
  while (current) {
    const child: X509Certificate = current;
    if (child.issuer === child.subject) break;
    const next = parsed.find((p) => p.x509 && !ordered.includes(p.der) && child.checkIssued(p.x509));
    if (!next) break;
    ordered.push(next.der);
    current = next.x509;
  }
  return [...ordered, ...others.filter((der) => !ordered.includes(der))];
}

function tryX509(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** Only the error class name goes into `cause`: forge messages can echo input bytes. */
function safeCause(cause: unknown): { name: string } | undefined {
  return cause instanceof Error ? { name: cause.name } : undefined;
}
