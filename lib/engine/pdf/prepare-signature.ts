import { createHash } from "node:crypto";
import { PdfDamagedError, SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";
import { listFormFields } from "@/lib/engine/pdf/form-fields";
import { joinParts, writeIncrementalUpdate, type UpdatedObject } from "@/lib/engine/pdf/incremental-writer";
import { sealingLimits, type PdfLimits } from "@/lib/engine/pdf/limits";
import { PdfRef } from "@/lib/engine/pdf/objects";
import { placeOnPage, type VisibleRect } from "@/lib/engine/pdf/page-geometry";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { buildSealAppearance } from "@/lib/engine/pdf/seal-appearance";
import type { SealStampContent } from "@/lib/engine/pdf/seal-stamp";
import { signatureField } from "@/lib/engine/pdf/signature-widget";
import { checkSoundStructure } from "@/lib/engine/pdf/sound-structure";
import { attachSignatureField } from "@/lib/engine/pdf/signature-field";
import {
  BYTE_RANGE_PLACEHOLDER,
  BYTE_RANGE_PLACEHOLDER_ID,
  CONTENTS_PLACEHOLDER_ID,
  signatureDictionary,
} from "@/lib/engine/pdf/signature-dictionary";

export interface SignatureRequest {
  /** Partial name of the new field; default: the first free "Signet-Seal-N". */
  fieldName?: string;
  /** Written as /M. */
  signingTime: Date;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  /** DER bytes to reserve in /Contents. */
  contentsBytes: number;
  /** Absent: an invisible signature (zero rectangle on page 1). */
  appearance?: {
    /** 1-based page number. */
    page: number;
    /** In the page's visible coordinates (rotated crop box, origin bottom-left, points). */
    rect: VisibleRect;
    stamp: SealStampContent;
  };
}

export interface PreparedSignature {
  /** The input, untouched and not copied: the output is `original` followed by `update`. */
  original: Uint8Array;
  /** The appended incremental update, with the /ByteRange filled in and /Contents still zeros. */
  update: Uint8Array;
  /** The whole output, joined on each access (copies the original: large-file callers use original + update). */
  readonly bytes: Uint8Array;
  byteRange: [number, number, number, number];
  /** Index of the "<" of the /Contents hex string. */
  contentsOffset: number;
  /** DER bytes that fit into /Contents. */
  contentsCapacity: number;
  /** The (partial = full) name of the new signature field. */
  fieldName: string;
}

/** Largest /Contents reservation accepted (DER bytes). */
export const MAX_CONTENTS_BYTES = 512 * 1024;

/**
 * Appends, by incremental update, a signature field with a /ByteRange and /Contents
 * placeholder (and a visible seal stamp when asked). The input is an exact prefix of
 * the output. A file whose structure validators cannot read (checkSoundStructure: a
 * circular page tree, absurd nesting anywhere reachable) is refused as damaged first.
 * Bytes are read with sealingLimits(limits); a file already open is read within its own budget.
 */
export async function prepareSignature(
  input: Uint8Array | PdfFile,
  request: SignatureRequest,
  limits?: Partial<PdfLimits>,
): Promise<PreparedSignature> {
  validateRequest(request);
  const file = input instanceof PdfFile ? input : PdfFile.open(input, sealingLimits(limits));
  const pdf = file.bytes;
  checkSoundStructure(file);
  const pageNumber = request.appearance?.page ?? 1;
  const page = findPage(file, pageNumber);
  const fieldName = chooseFieldName(file, request.fieldName);

  let next = file.nextObjectNumber;
  const allocate = () => new PdfRef(next++, 0);
  const sigRef = allocate();
  const widgetRef = allocate();
  const objects: UpdatedObject[] = [{ ref: sigRef, value: signatureDictionary(request) }];

  let rect: [number, number, number, number] = [0, 0, 0, 0];
  let appearanceRef: PdfRef | undefined;
  const appearanceObjects: UpdatedObject[] = [];
  if (request.appearance) {
    const placement = placeOnPage(page, request.appearance.rect);
    rect = placement.rect;
    const built = await buildSealAppearance(
      request.appearance.stamp,
      request.appearance.rect.width,
      request.appearance.rect.height,
      placement.matrix,
      allocate,
    );
    appearanceRef = built.ref;
    appearanceObjects.push(...built.objects);
  }
  objects.push({
    ref: widgetRef,
    value: signatureField({ fieldName, signatureRef: sigRef, pageRef: page.ref, rect, appearanceRef }),
  });
  objects.push(...appearanceObjects);
  objects.push(...attachSignatureField(file, page, widgetRef, allocate));

  const idPart = createHash("sha256")
    .update(`${pdf.length}|${file.startxref}|${request.signingTime.toISOString()}|${fieldName}`)
    .update(pdf.subarray(Math.max(0, pdf.length - 1024)))
    .digest()
    .subarray(0, 16);
  const written = writeIncrementalUpdate(file, objects, idPart);
  return fillByteRange(written.original, written.update, written.placeholders, request.contentsBytes, fieldName);
}

function validateRequest(request: SignatureRequest): void {
  if (
    !Number.isSafeInteger(request.contentsBytes) ||
    request.contentsBytes < 1 ||
    request.contentsBytes > MAX_CONTENTS_BYTES
  ) {
    throw new SignatureRequestError(
      "pdf.bad_request",
      `The space reserved for the signature must be between 1 and ${MAX_CONTENTS_BYTES} bytes.`,
    );
  }
  if (!(request.signingTime instanceof Date) || Number.isNaN(request.signingTime.getTime())) {
    throw new SignatureRequestError("pdf.bad_request", "The signing time is not a valid date.");
  }
}

function chooseFieldName(file: PdfFile, requested: string | undefined): string {
  // Conservative: a new name may equal neither a fully qualified name nor any partial name in the form.
  const taken = new Set<string>();
  for (const field of listFormFields(file)) {
    taken.add(field.fullName);
    for (const partial of field.fullName.split(".")) taken.add(partial);
  }
  if (requested !== undefined) {
    if (requested.length === 0 || requested.length > 200 || requested.includes(".")) {
      throw new SignatureRequestError(
        "pdf.bad_field_name",
        "A signature field name must be 1 to 200 characters long and contain no period.",
      );
    }
    if (taken.has(requested))
      throw new SignatureRequestError("pdf.field_exists", `This document already has a field named "${requested}".`);
    return requested;
  }
  for (let n = 1; ; n++) {
    const candidate = `Signet-Seal-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function fillByteRange(
  original: Uint8Array,
  update: Uint8Array,
  placeholders: Map<string, number>,
  contentsBytes: number,
  fieldName: string,
): PreparedSignature {
  const byteRangeAt = placeholders.get(BYTE_RANGE_PLACEHOLDER_ID);
  const contentsOffset = placeholders.get(CONTENTS_PLACEHOLDER_ID);
  if (byteRangeAt === undefined || contentsOffset === undefined)
    throw new PdfDamagedError("signature placeholders were not written");
  const afterContents = contentsOffset + contentsBytes * 2 + 2;
  const total = original.length + update.length;
  const byteRange: [number, number, number, number] = [0, contentsOffset, afterContents, total - afterContents];
  const text = `[${byteRange.join(" ")}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, " ");
  if (text.length > BYTE_RANGE_PLACEHOLDER.length)
    throw new SignatureRequestError("pdf.bad_request", "The document is too large to sign.");
  // Both placeholders lie in the update (offsets are absolute).
  Buffer.from(update.buffer, update.byteOffset, update.byteLength).write(text, byteRangeAt - original.length, "latin1");
  return {
    original,
    update,
    get bytes() {
      return joinParts(original, update);
    },
    byteRange,
    contentsOffset,
    contentsCapacity: contentsBytes,
    fieldName,
  };
}
