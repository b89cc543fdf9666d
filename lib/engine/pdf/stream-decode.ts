import { constants, inflateSync } from "node:zlib";
import { PdfDamagedError, PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";
import type { Budget } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfName, PdfStream, isArray, isInteger, type PdfObject } from "@/lib/engine/pdf/objects";

/**
 * Decodes the data of a structural stream (cross-reference stream, object stream).
 * Only FlateDecode (with PNG predictors) and unfiltered data are accepted:
 * that is what every producer writes for these streams. Output is capped by the
 * document's decompression budget, so a bomb stops at the cap instead of filling memory.
 */
export function decodeStructuralStream(stream: PdfStream, budget: Budget): Uint8Array {
  const filters = asList(stream.dict.get("Filter"));
  const params = asList(stream.dict.get("DecodeParms"));
  let data: Uint8Array = stream.data;
  for (let i = 0; i < filters.length; i++) {
    const filter = filters[i];
    if (!(filter instanceof PdfName)) throw new PdfDamagedError("bad /Filter");
    if (filter.value !== "FlateDecode" && filter.value !== "Fl")
      throw new PdfDamagedError(`unsupported filter ${filter.value} on a structural stream`);
    data = inflateLimited(data, budget);
    const p = params[i];
    if (p instanceof PdfDict) data = undoPredictor(data, p);
  }
  if (filters.length === 0) budget.chargeDecompressed(0);
  return data;
}

function asList(value: PdfObject | undefined): PdfObject[] {
  if (value === undefined || value === null) return [];
  return isArray(value) ? value : [value];
}

export function inflateLimited(data: Uint8Array, budget: Budget): Uint8Array {
  const allowance = budget.decompressionAllowance;
  if (allowance <= 0) throw new PdfLimitExceededError("decompressed-size");
  let out: Buffer;
  try {
    out = inflateSync(data, { maxOutputLength: allowance, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof RangeError || code === "ERR_BUFFER_TOO_LARGE")
      throw new PdfLimitExceededError("decompressed-size");
    throw new PdfDamagedError("corrupt compressed stream", { cause: error });
  }
  budget.chargeDecompressed(out.length);
  budget.tick(out.length >> 10);
  return out;
}

function undoPredictor(data: Uint8Array, params: PdfDict): Uint8Array {
  const predictor = params.get("Predictor");
  if (predictor === undefined || predictor === 1) return data;
  if (!isInteger(predictor)) throw new PdfDamagedError("bad /Predictor");
  if (predictor < 10) throw new PdfDamagedError(`unsupported predictor ${predictor} on a structural stream`);
  const colorsValue = params.get("Colors");
  const bpcValue = params.get("BitsPerComponent");
  const columnsValue = params.get("Columns");
  const colors = isInteger(colorsValue) ? colorsValue : 1;
  const bpc = isInteger(bpcValue) ? bpcValue : 8;
  const columns = isInteger(columnsValue) ? columnsValue : 1;
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20)
    throw new PdfDamagedError("bad predictor parameters");
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  let prev = new Uint8Array(rowLength);
  for (let r = 0; r < rows; r++) {
    const inStart = r * (rowLength + 1);
    const type = data[inStart] as number;
    const row = out.subarray(r * rowLength, (r + 1) * rowLength);
    for (let i = 0; i < rowLength; i++) {
      const raw = data[inStart + 1 + i] as number;
      const left = i >= bpp ? (row[i - bpp] as number) : 0;
      const up = prev[i] as number;
      const upLeft = i >= bpp ? (prev[i - bpp] as number) : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + ((left + up) >> 1);
          break;
        case 4:
          v = raw + paeth(left, up, upLeft);
          break;
        default:
          throw new PdfDamagedError(`bad PNG predictor row type ${type}`);
      }
      row[i] = v & 0xff;
    }
    prev = row;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
