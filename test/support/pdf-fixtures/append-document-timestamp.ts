/**
 * Test fixture: appends a document timestamp (/Type /DocTimeStamp, /SubFilter
 * /ETSI.RFC3161) by incremental update, in an invisible signature field, with an
 * RFC 3161 token over the byte ranges from the given timestamper.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeIncrementalUpdate } from "@/lib/engine/pdf/incremental-writer";
import { PdfName, PdfPlaceholder, PdfRef, PdfDict } from "@/lib/engine/pdf/objects";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import {
  BYTE_RANGE_PLACEHOLDER,
  BYTE_RANGE_PLACEHOLDER_ID,
  CONTENTS_PLACEHOLDER_ID,
  contentsPlaceholder,
} from "@/lib/engine/pdf/signature-dictionary";
import { attachSignatureField } from "@/lib/engine/pdf/signature-field";
import { signatureField } from "@/lib/engine/pdf/signature-widget";
import type { Timestamper } from "@/lib/engine/tsa/timestamper";

export async function appendDocumentTimestamp(
  pdf: Uint8Array,
  timestamper: Timestamper,
  fieldName = "DocTimeStamp1",
): Promise<Uint8Array> {
  const file = PdfFile.open(pdf);
  const page = findPage(file, 1);
  let next = file.nextObjectNumber;
  const allocate = () => new PdfRef(next++, 0);
  const sigRef = allocate();
  const widgetRef = allocate();
  const capacity = 8192;
  const sigDict = new PdfDict([
    ["Type", new PdfName("DocTimeStamp")],
    ["Filter", new PdfName("Adobe.PPKLite")],
    ["SubFilter", new PdfName("ETSI.RFC3161")],
    ["ByteRange", new PdfPlaceholder(BYTE_RANGE_PLACEHOLDER_ID, Buffer.from(BYTE_RANGE_PLACEHOLDER, "latin1"))],
    ["Contents", new PdfPlaceholder(CONTENTS_PLACEHOLDER_ID, contentsPlaceholder(capacity))],
  ]);
  const objects = [
    { ref: sigRef, value: sigDict },
    {
      ref: widgetRef,
      value: signatureField({ fieldName, signatureRef: sigRef, pageRef: page.ref, rect: [0, 0, 0, 0] }),
    },
    ...attachSignatureField(file, page, widgetRef, allocate),
  ];
  const update = writeIncrementalUpdate(file, objects, randomBytes(16));
  const out = Buffer.from(update.bytes.buffer, update.bytes.byteOffset, update.bytes.byteLength);
  const byteRangeAt = update.placeholders.get(BYTE_RANGE_PLACEHOLDER_ID) as number;
  const contentsAt = update.placeholders.get(CONTENTS_PLACEHOLDER_ID) as number;
  const after = contentsAt + capacity * 2 + 2;
  out.write(
    `[0 ${contentsAt} ${after} ${out.length - after}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, " "),
    byteRangeAt,
    "latin1",
  );
  const digest = createHash("sha256").update(out.subarray(0, contentsAt)).update(out.subarray(after)).digest();
  const token = await timestamper.timestamp(new Uint8Array(digest), "SHA-256");
  if (token.length > capacity) throw new Error("timestamp token too large for the fixture's placeholder");
  out.write(Buffer.from(token).toString("hex"), contentsAt + 1, "latin1");
  return new Uint8Array(out);
}
