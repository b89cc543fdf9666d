/**
 * Test fixture: appends a /DSS (certificates, OCSP responses, CRLs) to the catalog
 * by incremental update, as an LTV step after signing does. Certificates are
 * Flate-compressed streams, the rest raw, to exercise both.
 */
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { writeIncrementalUpdate, type UpdatedObject } from "@/lib/engine/pdf/incremental-writer";
import { PdfDict, PdfName, PdfRef, PdfStream } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";

export function appendDss(
  pdf: Uint8Array,
  data: { certs?: Uint8Array[]; ocsps?: Uint8Array[]; crls?: Uint8Array[] },
): Uint8Array {
  const file = PdfFile.open(pdf);
  let next = file.nextObjectNumber;
  const objects: UpdatedObject[] = [];
  const streams = (items: Uint8Array[] | undefined, compress: boolean): PdfRef[] =>
    (items ?? []).map((der) => {
      const ref = new PdfRef(next++, 0);
      const dict = compress ? new PdfDict([["Filter", new PdfName("FlateDecode")]]) : new PdfDict();
      objects.push({ ref, value: new PdfStream(dict, compress ? deflateSync(der) : der) });
      return ref;
    });
  const dss = new PdfDict([["Type", new PdfName("DSS")]]);
  dss.set("Certs", streams(data.certs, true));
  if (data.ocsps?.length) dss.set("OCSPs", streams(data.ocsps, false));
  if (data.crls?.length) dss.set("CRLs", streams(data.crls, false));
  const dssRef = new PdfRef(next++, 0);
  objects.push({ ref: dssRef, value: dss });
  const catalog = file.catalog();
  objects.push({ ref: catalog.ref, value: catalog.dict.clone().set("DSS", dssRef) });
  return writeIncrementalUpdate(file, objects, randomBytes(16)).bytes;
}
