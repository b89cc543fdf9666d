import { createHash } from "node:crypto";
import { signPades } from "@/lib/engine/seal/create-pades-signature";
import { estimateSignatureSize } from "@/lib/engine/cms/estimate-signature-size";
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { PrefixDigest, digestByteRangeOfParts, type DigestAlgorithm } from "@/lib/engine/pdf/byte-range-digest";
import { embedSignatureInUpdate } from "@/lib/engine/pdf/embed-signature";
import { joinParts } from "@/lib/engine/pdf/incremental-writer";
import { sealingLimits, type PdfLimits } from "@/lib/engine/pdf/limits";
import type { VisibleRect } from "@/lib/engine/pdf/page-geometry";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { prepareSignature, type PreparedSignature } from "@/lib/engine/pdf/prepare-signature";
import { checkSoundStructure } from "@/lib/engine/pdf/sound-structure";
import type { Certificate } from "@/lib/engine/pki/certificate";
import type { Timestamper } from "@/lib/engine/tsa/timestamper";
import { checkVerifiable } from "@/lib/engine/verify/pdf-facts";
import { SignetError } from "@/lib/engine/errors";
import { stampContentFor, type SignerDetails } from "@/lib/engine/seal/stamp-content";

/** How sealPdf seals one PDF: with which key and certificate, and what goes into the signature and stamp. */
export type SealPdfRequest = {
  backend: KeyBackend;
  certificate: Certificate;
  /** Intermediates (and optionally the root) to embed. */
  chain?: readonly Certificate[];
  /** Default SHA-256. */
  hash?: HashAlgorithm;
  /**
   * The input's digest, taken while it was read (startOriginalDigest(hash), fed exactly the input's
   * bytes in order): the input is then not hashed again. Its length and algorithm are checked.
   */
  originalDigest?: PrefixDigest;
  /** With a timestamper the seal is PAdES B-T. */
  timestamper?: Timestamper;
  /** Space reserved for the timestamp token; default lib/cms's allowance. A token that turns out larger costs one retry. */
  timestampAllowanceBytes?: number;
  /** Absent: an invisible seal. */
  placement?: { page: number; rect: VisibleRect };
  signer?: SignerDetails;
  reason?: string;
  location?: string;
  fieldName?: string;
  /** Default: now, truncated to whole seconds (what /M can hold). */
  signingTime?: Date;
  /** Tests only: overrides of PDF_LIMITS (the seal reads with sealingLimits of them). */
  limits?: Partial<PdfLimits>;
};

export type SealResult = {
  /** The sealed file is `original` (the input, untouched, not copied) followed by `update`. */
  original: Uint8Array;
  update: Uint8Array;
  /** The whole sealed file, joined on each access: large-file callers write original + update. */
  readonly pdf: Uint8Array;
  fieldName: string;
  signingTime: Date;
  certificateFingerprint: string;
  /** Digest of the signed byte ranges, with `hash`. */
  documentDigest: Uint8Array;
  hash: HashAlgorithm;
  cmsBytes: number;
  /** SHA-256 (hex) of the DER CMS embedded in /Contents: how a verifier finds the seal's record (Seal.signatureSha256). */
  cmsSha256: string;
  reservedBytes: number;
  timestamp?: { genTime: Date; tsaSubject?: string };
};

/** Headroom over the estimate: ECDSA signatures vary by a few bytes, TSA tokens by more. */
const HEADROOM_BYTES = 256;

/**
 * Seals a PDF by incremental update: reserve /Contents sized from the real certificates
 * (and a timestamp allowance), hash the byte ranges, build the PAdES CMS through the key
 * backend, embed it. The input is a byte-for-byte prefix of the output.
 *
 * The reservation is known to fit the B-B part before the backend is asked to sign; only a
 * timestamp token larger than its allowance can overflow, and then the seal is redone once
 * with the measured size.
 */
export async function sealPdf(input: Uint8Array, request: SealPdfRequest): Promise<SealResult> {
  const hash = request.hash ?? "SHA-256";
  const signingTime = request.signingTime ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const keyAlgorithm = keyAlgorithmOf(publicKeyFromSpki(request.certificate.spki));
  const chain = request.chain ?? [];
  const digestAlgorithm = DIGEST_NAMES[hash];
  const { originalDigest } = request;
  if (
    originalDigest !== undefined &&
    (originalDigest.length !== input.length || originalDigest.algorithm !== digestAlgorithm)
  ) {
    throw new SealError(
      "seal.bad_request",
      `The digest given for the document covers ${originalDigest.length} bytes with ${originalDigest.algorithm}, not its ${input.length} bytes with ${digestAlgorithm}.`,
    );
  }
  // The seal path's limits and checks (SECURITY.md invariant 19): a file validators cannot read,
  // or one whose sealed result Signet's own verifier would refuse, is refused before any signing.
  let checked: PdfFile | undefined = PdfFile.open(input, sealingLimits(request.limits));
  checkSoundStructure(checked);
  checkVerifiable(checked);
  const estimate = estimateSignatureSize({
    certificates: [request.certificate, ...chain],
    keyAlgorithm,
    withTimestamp: request.timestamper !== undefined,
    hash,
    timestampTokenSize: request.timestampAllowanceBytes,
  });

  const attempt = async (contentsBytes: number) => {
    // A retry reads the file afresh: the first reading's time budget ran on while the backend signed.
    const file = checked ?? PdfFile.open(input, sealingLimits(request.limits));
    checked = undefined;
    const prepared = await prepareSignature(file, {
      fieldName: request.fieldName,
      signingTime,
      reason: request.reason,
      location: request.location,
      name: request.signer?.name,
      contentsBytes,
      appearance:
        request.placement === undefined
          ? undefined
          : { ...request.placement, stamp: stampContentFor(request.certificate, request.signer ?? {}, signingTime) },
    });
    const documentDigest = digestByteRangeOfParts(
      [prepared.original, prepared.update],
      prepared.byteRange,
      digestAlgorithm,
      originalDigest,
    );
    const signature = await signPades({
      contentDigest: documentDigest,
      hash,
      signerCertificate: request.certificate,
      chain,
      backend: request.backend,
      timestamper: request.timestamper,
    });
    return { prepared, documentDigest, signature };
  };

  let { prepared, documentDigest, signature } = await attempt(estimate + HEADROOM_BYTES);
  if (signature.cms.length > prepared.contentsCapacity) {
    ({ prepared, documentDigest, signature } = await attempt(signature.cms.length + HEADROOM_BYTES));
    assertFits(prepared, signature.cms.length);
  }
  embedSignatureInUpdate(prepared, signature.cms);
  const { original, update } = prepared;
  return {
    original,
    update,
    get pdf() {
      return joinParts(original, update);
    },
    fieldName: prepared.fieldName,
    signingTime,
    certificateFingerprint: request.certificate.fingerprintSha256,
    documentDigest,
    hash,
    cmsBytes: signature.cms.length,
    cmsSha256: createHash("sha256").update(signature.cms).digest("hex"),
    reservedBytes: prepared.contentsCapacity,
    timestamp:
      signature.timestamp === undefined
        ? undefined
        : { genTime: signature.timestamp.genTime, tsaSubject: signature.timestamp.tsaSubject },
  };
}

/** A digest to feed the document's bytes while reading them, for SealPdfRequest.originalDigest. */
export function startOriginalDigest(hash: HashAlgorithm = "SHA-256"): PrefixDigest {
  return new PrefixDigest(DIGEST_NAMES[hash]);
}

const DIGEST_NAMES: Record<HashAlgorithm, DigestAlgorithm> = {
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function assertFits(prepared: PreparedSignature, size: number): void {
  if (size > prepared.contentsCapacity) {
    throw new SealError(
      "seal.placeholder_overflow",
      `The signature (${size} bytes) did not fit the space reserved for it (${prepared.contentsCapacity} bytes) even after a retry; nothing was written.`,
      { status: 500 },
    );
  }
}

export type SealErrorCode = "seal.bad_request" | "seal.placeholder_overflow";

export class SealError extends SignetError {
  override readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, options);
    this.code = code;
  }
}
