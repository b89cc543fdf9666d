/**
 * Builds the CMS SignedData of a PAdES baseline B-B signature (B-T with a
 * Timestamper) over a byte-range digest computed by the caller.
 *
 * Order of work: check that the backend's public key is the certificate's (before
 * any remote signing call), build and sign the DER-sorted signed attributes, verify
 * the returned signature against the certificate, then (optionally) timestamp the
 * signature value, check the token, and add it as the unsigned attribute
 * id-aa-signatureTimeStampToken.
 */
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest, digestLength } from "@/lib/engine/crypto/hash";
import { canonicalSpki, keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { ecdsaDerToRaw, ecdsaRawToDer } from "@/lib/engine/crypto/ecdsa-signature";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import type { Timestamper } from "@/lib/engine/tsa/timestamper";
import { checkTimestampToken } from "@/lib/engine/tsa/check-timestamp-token";
import { CmsError } from "@/lib/engine/cms/cms-errors";
import { attribute, buildSignedAttributes } from "@/lib/engine/cms/signed-attributes";
import { assembleSignedData } from "@/lib/engine/cms/signed-data";
import { signatureAlgorithmIdentifier } from "@/lib/engine/cms/signature-algorithm";

export interface PadesSignatureRequest {
  /** Digest of the PDF byte ranges, computed with `hash`. */
  contentDigest: Uint8Array;
  /** Default SHA-256. */
  hash?: HashAlgorithm;
  /** DER, or an already parsed certificate. */
  signerCertificate: Uint8Array | Certificate;
  /** Intermediate (and optionally root) certificates, DER or parsed. */
  chain?: readonly (Uint8Array | Certificate)[];
  backend: KeyBackend;
  /** With a timestamper the result is PAdES B-T. */
  timestamper?: Timestamper;
}

export interface PadesSignature {
  /** DER ContentInfo for /Contents. */
  cms: Uint8Array;
  /** The SignerInfo signature value (what the timestamp covers). */
  signatureValue: Uint8Array;
  timestamp?: { genTime: Date; tsaSubject?: string; token: Uint8Array };
}

/** The DER ContentInfo. See `signPades` for the details of the timestamp. */
export async function createPadesSignature(request: PadesSignatureRequest): Promise<Uint8Array> {
  return (await signPades(request)).cms;
}

export async function signPades(request: PadesSignatureRequest): Promise<PadesSignature> {
  const hash = request.hash ?? "SHA-256";
  if (request.contentDigest.length !== digestLength(hash)) {
    throw new CmsError("cms.bad_digest", `The content digest must be ${digestLength(hash)} bytes for ${hash}.`);
  }
  const signer = asCertificate(request.signerCertificate);
  const chain = (request.chain ?? []).map(asCertificate);
  const publicKey = publicKeyFromSpki(signer.spki);
  const keyAlgorithm = keyAlgorithmOf(publicKey);

  const backendSpki = await request.backend.publicKey();
  if (!bytesEqual(canonicalSpki(backendSpki), canonicalSpki(signer.spki))) {
    throw new CmsError(
      "cms.key_certificate_mismatch",
      `The signing key (${request.backend.description}) does not belong to the certificate "${signer.subject}".`,
    );
  }

  const attributes = buildSignedAttributes({ contentDigest: request.contentDigest, signer, hash });
  const message = attributes.signedBytes;
  let signature = await request.backend.sign({ message, digest: digest(hash, message), hash });
  if (keyAlgorithm.kind === "EC") signature = canonicalEcdsa(signature, keyAlgorithm.curve);
  if (!verifySignature({ publicKey, message, signature, hash })) {
    throw new CmsError(
      "cms.signature_mismatch",
      `The signature returned by ${request.backend.description} does not verify with the certificate "${signer.subject}"; nothing was embedded.`,
      { status: 502 },
    );
  }

  const parts = {
    hash,
    signer,
    certificates: chain.map((c) => c.der),
    signedAttributes: attributes.embeddedBytes,
    signatureAlgorithm: signatureAlgorithmIdentifier(keyAlgorithm, hash),
    signature,
  };
  if (!request.timestamper) return { cms: assembleSignedData(parts), signatureValue: signature };

  const token = await request.timestamper.timestamp(digest(hash, signature), hash);
  let check;
  try {
    check = checkTimestampToken(token, { timestampedData: signature });
  } catch (cause) {
    throw new CmsError("cms.timestamp_mismatch", "The timestamp token cannot be read; nothing was embedded.", {
      cause,
      status: 502,
    });
  }
  if (!check.valid) {
    throw new CmsError("cms.timestamp_mismatch", `The timestamp token was refused: ${check.problems.join(" ")}`, {
      status: 502,
    });
  }
  return {
    cms: assembleSignedData({ ...parts, unsignedAttributes: [attribute(OID.signatureTimeStampToken, token)] }),
    signatureValue: signature,
    timestamp: { genTime: check.tstInfo.genTime, tsaSubject: check.tsaCertificate?.subject, token },
  };
}

function asCertificate(input: Uint8Array | Certificate): Certificate {
  return input instanceof Uint8Array ? parseCertificate(input) : input;
}

/** Re-encodes an ECDSA signature as strict DER (a lax encoding from a backend must not reach the PDF). */
function canonicalEcdsa(signature: Uint8Array, curve: "P-256" | "P-384" | "P-521"): Uint8Array {
  try {
    return ecdsaRawToDer(ecdsaDerToRaw(signature, curve), curve);
  } catch {
    return signature; // not DER at all: the verification below rejects it
  }
}
