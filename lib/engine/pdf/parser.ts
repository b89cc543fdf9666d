import { PdfDamagedError, tooDeeplyNested } from "@/lib/engine/pdf/pdf-errors";
import { Lexer, isWhite, type Token } from "@/lib/engine/pdf/lexer";
import type { Budget } from "@/lib/engine/pdf/limits";
import {
  PdfDict,
  PdfName,
  PdfRef,
  PdfStream,
  PdfString,
  asBuffer,
  isInteger,
  type PdfObject,
} from "@/lib/engine/pdf/objects";

type Frame = { kind: "array"; items: PdfObject[] } | { kind: "dict"; dict: PdfDict; key: string | undefined };

/**
 * Parses one PDF object at the lexer's position, iteratively (an explicit stack, so
 * hostile nesting cannot overflow the JavaScript stack). Nesting deeper than
 * `budget.limits.maxDepth` is reported as damage: no real producer writes it.
 */
export function parseObject(lexer: Lexer, budget: Budget, options: { spans?: boolean } = {}): PdfObject {
  const stack: Frame[] = [];
  const maxDepth = budget.limits.maxDepth;
  for (;;) {
    const token = lexer.next();
    let value: PdfObject;
    switch (token.kind) {
      case "eof":
        throw new PdfDamagedError(`unexpected end of data at ${token.start}`);
      case "number":
        value = token.integer ? (readReference(lexer, token) ?? token.value) : token.value;
        break;
      case "name":
        value = new PdfName(token.value);
        break;
      case "string":
        value = new PdfString(token.bytes, options.spans ? { start: token.start, end: token.end } : undefined);
        break;
      case "keyword":
        if (token.value === "true") value = true;
        else if (token.value === "false") value = false;
        else if (token.value === "null") value = null;
        else throw new PdfDamagedError(`unexpected keyword at ${token.start}`);
        break;
      case "punct":
        if (token.value === "[" || token.value === "<<") {
          if (stack.length >= maxDepth) throw tooDeeplyNested(maxDepth, token.start);
          stack.push(
            token.value === "[" ? { kind: "array", items: [] } : { kind: "dict", dict: new PdfDict(), key: undefined },
          );
          continue;
        }
        if (token.value === "]") {
          const top = stack.pop();
          if (top?.kind !== "array") throw new PdfDamagedError(`unbalanced ']' at ${token.start}`);
          value = top.items;
          break;
        }
        if (token.value === ">>") {
          const top = stack.pop();
          if (top?.kind !== "dict") throw new PdfDamagedError(`unbalanced '>>' at ${token.start}`);
          value = top.dict;
          break;
        }
        throw new PdfDamagedError(`unexpected '${token.value}' at ${token.start}`);
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return value;
    if (top.kind === "array") {
      top.items.push(value);
    } else if (top.key === undefined) {
      if (!(value instanceof PdfName)) throw new PdfDamagedError(`dictionary key is not a name at ${token.start}`);
      top.key = value.value;
    } else {
      // A null value is the same as an absent key.
      if (value !== null) top.dict.set(top.key, value);
      top.key = undefined;
    }
  }
}

/** After an integer: "G R" makes it an indirect reference. */
function readReference(lexer: Lexer, first: Token & { kind: "number" }): PdfRef | undefined {
  if (first.value < 0) return undefined;
  const saved = lexer.pos;
  const gen = lexer.peekInteger();
  if (gen === undefined) return undefined;
  lexer.pos = gen.end;
  if (lexer.acceptKeyword("R")) return new PdfRef(first.value, gen.value);
  lexer.pos = saved;
  return undefined;
}

export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfObject;
}

/**
 * Parses "N G obj … endobj" at `offset`. For a stream, `resolveLength` is asked for an
 * indirect /Length; the data is a view into `src` (no copy, nothing inflated).
 */
export function parseIndirectObject(
  src: Uint8Array,
  offset: number,
  budget: Budget,
  resolveLength: (ref: PdfRef) => number | undefined,
  options: { spans?: boolean } = {},
): IndirectObject {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= src.length)
    throw new PdfDamagedError(`object offset ${offset} outside the file`);
  const lexer = new Lexer(src, offset, budget);
  const num = lexer.peekInteger();
  if (num === undefined) throw new PdfDamagedError(`no object at ${offset}`);
  lexer.pos = num.end;
  const gen = lexer.peekInteger();
  if (gen === undefined) throw new PdfDamagedError(`no object at ${offset}`);
  lexer.pos = gen.end;
  if (!lexer.acceptKeyword("obj")) throw new PdfDamagedError(`no object at ${offset}`);
  const value = parseObject(lexer, budget, options);
  if (value instanceof PdfDict && lexer.acceptKeyword("stream")) {
    return { num: num.value, gen: gen.value, value: readStreamData(src, lexer.pos, value, resolveLength) };
  }
  return { num: num.value, gen: gen.value, value };
}

const ENDSTREAM = Buffer.from("endstream", "latin1");

function readStreamData(
  src: Uint8Array,
  afterKeyword: number,
  dict: PdfDict,
  resolveLength: (ref: PdfRef) => number | undefined,
): PdfStream {
  let start = afterKeyword;
  if (src[start] === 0x0d && src[start + 1] === 0x0a) start += 2;
  else if (src[start] === 0x0a || src[start] === 0x0d) start += 1;
  const declared = dict.get("Length");
  const length = declared instanceof PdfRef ? resolveLength(declared) : isInteger(declared) ? declared : undefined;
  if (length !== undefined && length >= 0 && start + length <= src.length && endstreamFollows(src, start + length)) {
    return new PdfStream(dict, src.subarray(start, start + length));
  }
  // /Length missing or wrong: fall back to the endstream keyword, like every common reader.
  const found = asBuffer(src).indexOf(ENDSTREAM, start);
  if (found < 0) throw new PdfDamagedError(`stream without endstream at ${start}`);
  let end = found;
  if (end > start && src[end - 1] === 0x0a) end--;
  if (end > start && src[end - 1] === 0x0d) end--;
  return new PdfStream(dict, src.subarray(start, end));
}

function endstreamFollows(src: Uint8Array, pos: number): boolean {
  let p = pos;
  while (p < src.length && p < pos + 4 && isWhite(src[p])) p++;
  for (let i = 0; i < ENDSTREAM.length; i++) if (src[p + i] !== ENDSTREAM[i]) return false;
  return true;
}
