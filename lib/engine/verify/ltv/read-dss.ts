/**
 * Reads the catalog's /DSS (PAdES document security store, ETSI EN 319 142-1 5.4):
 * the DER of its /Certs, /OCSPs and /CRLs streams. A stream that cannot be read is
 * skipped and noted: a damaged DSS lowers the PAdES level, it does not make the
 * file unreadable.
 */
import { isSignetError } from "@/lib/engine/errors";
import { PdfStream, isArray, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { decodeStructuralStream } from "@/lib/engine/pdf/stream-decode";

export interface DssContents {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  problems: string[];
}

/** At most this many entries per array are read. */
const MAX_ENTRIES = 500;

export function readDss(file: PdfFile): DssContents | undefined {
  const dss = file.resolveDict(file.catalog().dict.get("DSS"));
  if (dss === undefined) return undefined;
  const problems: string[] = [];
  const read = (key: string): Uint8Array[] => {
    let list: PdfObject | undefined;
    try {
      list = file.resolve(dss.get(key));
    } catch (error) {
      if (!isSignetError(error)) throw error;
      problems.push(`The DSS /${key} array cannot be read.`);
      return [];
    }
    if (list === undefined || list === null) return [];
    if (!isArray(list)) {
      problems.push(`The DSS /${key} entry is not an array.`);
      return [];
    }
    if (list.length > MAX_ENTRIES)
      problems.push(`The DSS /${key} array has ${list.length} entries; only the first ${MAX_ENTRIES} were read.`);
    const out: Uint8Array[] = [];
    for (const item of list.slice(0, MAX_ENTRIES)) {
      try {
        const stream = file.resolve(item);
        if (!(stream instanceof PdfStream)) throw new TypeError("not a stream");
        out.push(decodeStructuralStream(stream, file.budget));
      } catch (error) {
        if (isSignetError(error) && error.code === "pdf.limit") throw error;
        problems.push(`An entry of the DSS /${key} array cannot be read.`);
      }
    }
    return out;
  };
  return { certs: read("Certs"), ocsps: read("OCSPs"), crls: read("CRLs"), problems };
}
