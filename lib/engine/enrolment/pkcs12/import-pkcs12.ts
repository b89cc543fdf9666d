/**
 * importPkcs12: a .p12/.pfx an org admin uploads, opened with lib/keys'
 * loadPkcs12 (modern AES and legacy 3DES/RC2 files; a wrong password is KeyError
 * 'pkcs12.bad_password'), its certificate and chain checked like an uploaded
 * certificate, and its private key handed over as PKCS#8 DER.
 *
 * THE CALLER OWNS `pkcs8Der`: encrypt it at once (the platform key envelope),
 * then overwrite it with `zeroize(result.pkcs8Der)` (or `.fill(0)`) in a
 * `finally`, whether or not the import goes ahead (also when
 * `validation.ok` is false). Never log it, return it or put it in an error.
 */
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { loadPkcs12 } from "@/lib/engine/keys/local/pkcs12";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { orderChain } from "@/lib/engine/enrolment/upload/order-chain";
import {
  validateForEnrolment,
  type EnrolmentPolicy,
  type EnrolmentValidation,
} from "@/lib/engine/enrolment/validation/validate-for-enrolment";
import { checkPkcs12Limits } from "@/lib/engine/enrolment/pkcs12/pkcs12-limits";
import { pkcs12PrivateKey } from "@/lib/engine/enrolment/pkcs12/pkcs12-private-key";

export interface Pkcs12ImportInput {
  file: Uint8Array;
  password: string;
  policy: EnrolmentPolicy;
  now: Date;
  /** The organisation's CA certificates (see validateForEnrolment). */
  organisationCas?: readonly Certificate[];
}

export interface Pkcs12Import {
  /** SECRET: the private key, PKCS#8 DER. Encrypt it immediately, then zeroize it. */
  pkcs8Der: Uint8Array;
  /** The key's SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  keyAlgorithm: KeyAlgorithm;
  leaf: Certificate;
  /** Issuer of the leaf first. */
  chain: Certificate[];
  /** Certificates of the file that are not on the leaf's chain. */
  unrelated: Certificate[];
  validation: EnrolmentValidation;
}

/**
 * Throws Pkcs12ImportError (too large, excessive iterations), KeyError
 * ('pkcs12.bad_password', 'pkcs12.unreadable', 'pkcs12.no_key',
 * 'pkcs12.no_certificate', 'pkcs12.key_certificate_mismatch',
 * 'key.unsupported_algorithm') or CertificateError for a certificate lib/pki cannot read.
 * Profile and chain problems are not thrown: they are in `validation`.
 */
export async function importPkcs12(input: Pkcs12ImportInput): Promise<Pkcs12Import> {
  const overview = checkPkcs12Limits(input.file);
  const contents = loadPkcs12(input.file, input.password, { description: "imported PKCS#12 file" });
  const spki = await contents.backend.publicKey();
  const keyAlgorithm = await contents.backend.keyAlgorithm();
  const leaf = parseCertificate(contents.certificate);
  const { chain, unrelated } = orderChain(leaf, contents.chain.map(parseCertificate));
  const validation = validateForEnrolment({
    leaf,
    chain,
    spki,
    now: input.now,
    policy: input.policy,
    organisationCas: input.organisationCas,
  });
  // Last, so that nothing can throw while the plaintext key exists here.
  const pkcs8Der = pkcs12PrivateKey(input.file, input.password, overview, spki);
  return { pkcs8Der, spki, keyAlgorithm, leaf, chain, unrelated, validation };
}
