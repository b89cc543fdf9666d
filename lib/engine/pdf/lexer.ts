import { PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import type { Budget } from "@/lib/engine/pdf/limits";

/**
 * Byte-level tokenizer for PDF syntax. Works on a Uint8Array at a position and never
 * converts more than one token to a string.
 */

export type Token =
  | { kind: "number"; value: number; integer: boolean; start: number; end: number }
  | { kind: "name"; value: string; start: number; end: number }
  | { kind: "string"; bytes: Uint8Array; start: number; end: number }
  | { kind: "punct"; value: "[" | "]" | "<<" | ">>" | "{" | "}"; start: number; end: number }
  | { kind: "keyword"; value: string; start: number; end: number }
  | { kind: "eof"; start: number; end: number };

const WHITE = new Uint8Array(256);
const DELIM = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
for (const c of "()<>[]{}/%") DELIM[c.charCodeAt(0)] = 1;

export function isWhite(byte: number | undefined): boolean {
  return byte !== undefined && WHITE[byte] === 1;
}

export function isDelimiter(byte: number | undefined): boolean {
  return byte !== undefined && DELIM[byte] === 1;
}

/** True for a byte that can be part of a regular token (not white space, not a delimiter). */
export function isRegular(byte: number | undefined): boolean {
  return byte !== undefined && WHITE[byte] === 0 && DELIM[byte] === 0;
}

export function skipWhitespace(src: Uint8Array, pos: number): number {
  const n = src.length;
  while (pos < n) {
    const c = src[pos] as number;
    if (WHITE[c] === 1) {
      pos++;
    } else if (c === 0x25 /* % */) {
      while (pos < n && src[pos] !== 0x0a && src[pos] !== 0x0d) pos++;
    } else {
      break;
    }
  }
  return pos;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export class Lexer {
  constructor(
    readonly src: Uint8Array,
    public pos: number,
    private readonly budget: Budget,
  ) {}

  /** Reads the next token and advances. */
  next(): Token {
    this.budget.tick();
    const src = this.src;
    const start = skipWhitespace(src, this.pos);
    if (start >= src.length) {
      this.pos = start;
      return { kind: "eof", start, end: start };
    }
    const c = src[start] as number;
    switch (c) {
      case 0x5b /* [ */:
        this.pos = start + 1;
        return { kind: "punct", value: "[", start, end: this.pos };
      case 0x5d /* ] */:
        this.pos = start + 1;
        return { kind: "punct", value: "]", start, end: this.pos };
      case 0x7b:
        this.pos = start + 1;
        return { kind: "punct", value: "{", start, end: this.pos };
      case 0x7d:
        this.pos = start + 1;
        return { kind: "punct", value: "}", start, end: this.pos };
      case 0x3c /* < */:
        if (src[start + 1] === 0x3c) {
          this.pos = start + 2;
          return { kind: "punct", value: "<<", start, end: this.pos };
        }
        return this.hexString(start);
      case 0x3e /* > */:
        if (src[start + 1] === 0x3e) {
          this.pos = start + 2;
          return { kind: "punct", value: ">>", start, end: this.pos };
        }
        throw new PdfDamagedError(`unexpected '>' at ${start}`);
      case 0x28 /* ( */:
        return this.literalString(start);
      case 0x2f /* / */:
        return this.name(start);
      case 0x29 /* ) */:
        throw new PdfDamagedError(`unexpected ')' at ${start}`);
      default:
        return this.regular(start);
    }
  }

  /** Reads a non-negative integer token if one starts at the current position (after white space); otherwise leaves the position unchanged. */
  peekInteger(): { value: number; end: number } | undefined {
    const src = this.src;
    let p = skipWhitespace(src, this.pos);
    const begin = p;
    let value = 0;
    while (p < src.length) {
      const c = src[p] as number;
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      p++;
    }
    if (p === begin || p - begin > 15 || isRegular(src[p])) return undefined;
    return { value, end: p };
  }

  /** True if the keyword `word` follows (after white space) as a whole token; advances past it when it does. */
  acceptKeyword(word: string): boolean {
    const src = this.src;
    const p = skipWhitespace(src, this.pos);
    for (let i = 0; i < word.length; i++) {
      if (src[p + i] !== word.charCodeAt(i)) return false;
    }
    if (isRegular(src[p + word.length])) return false;
    this.pos = p + word.length;
    return true;
  }

  private regular(start: number): Token {
    const src = this.src;
    let end = start;
    while (end < src.length && isRegular(src[end])) end++;
    if (end - start > 256) throw new PdfDamagedError(`token too long at ${start}`);
    this.pos = end;
    const number = parseNumber(src, start, end);
    if (number !== undefined) return { kind: "number", value: number.value, integer: number.integer, start, end };
    return {
      kind: "keyword",
      value: Buffer.from(src.buffer, src.byteOffset + start, end - start).toString("latin1"),
      start,
      end,
    };
  }

  private name(start: number): Token {
    const src = this.src;
    let end = start + 1;
    while (end < src.length && isRegular(src[end])) end++;
    if (end - start > 1024) throw new PdfDamagedError(`name too long at ${start}`);
    this.pos = end;
    let value = "";
    for (let i = start + 1; i < end; i++) {
      const c = src[i] as number;
      if (c === 0x23 /* # */ && i + 2 < end + 1) {
        const hi = hexValue(src[i + 1] ?? 0);
        const lo = hexValue(src[i + 2] ?? 0);
        if (hi >= 0 && lo >= 0 && i + 2 < end) {
          value += String.fromCharCode(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      value += String.fromCharCode(c);
    }
    return { kind: "name", value, start, end };
  }

  private hexString(start: number): Token {
    const src = this.src;
    const close = src.indexOf(0x3e, start + 1);
    if (close < 0) throw new PdfDamagedError(`unterminated hex string at ${start}`);
    this.budget.tick((close - start) >> 6);
    const out = new Uint8Array((close - start) >> 1);
    let count = 0;
    let high = -1;
    for (let i = start + 1; i < close; i++) {
      const c = src[i] as number;
      if (WHITE[c] === 1) continue;
      const v = hexValue(c);
      if (v < 0) throw new PdfDamagedError(`bad hex digit at ${i}`);
      if (high < 0) {
        high = v;
      } else {
        out[count++] = high * 16 + v;
        high = -1;
      }
    }
    if (high >= 0) out[count++] = high * 16;
    this.pos = close + 1;
    return { kind: "string", bytes: out.subarray(0, count), start, end: close + 1 };
  }

  private literalString(start: number): Token {
    const src = this.src;
    const n = src.length;
    const out: number[] = [];
    let depth = 1;
    let i = start + 1;
    while (i < n) {
      const c = src[i] as number;
      if (c === 0x5c /* \ */) {
        const e = src[i + 1];
        i += 2;
        switch (e) {
          case 0x6e:
            out.push(0x0a);
            break;
          case 0x72:
            out.push(0x0d);
            break;
          case 0x74:
            out.push(0x09);
            break;
          case 0x62:
            out.push(0x08);
            break;
          case 0x66:
            out.push(0x0c);
            break;
          case 0x28:
          case 0x29:
          case 0x5c:
            out.push(e);
            break;
          case 0x0d:
            if (src[i] === 0x0a) i++;
            break;
          case 0x0a:
            break;
          case undefined:
            break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2; k++) {
                const d = src[i];
                if (d === undefined || d < 0x30 || d > 0x37) break;
                v = v * 8 + (d - 0x30);
                i++;
              }
              out.push(v & 0xff);
            } else {
              out.push(e);
            }
        }
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29) {
        depth--;
        if (depth === 0) {
          this.pos = i + 1;
          this.budget.tick(out.length >> 6);
          return { kind: "string", bytes: Uint8Array.from(out), start, end: i + 1 };
        }
      } else if (c === 0x0d) {
        // An end-of-line inside a literal string reads as a single LF.
        out.push(0x0a);
        if (src[i + 1] === 0x0a) i++;
        i++;
        continue;
      }
      out.push(c);
      i++;
    }
    throw new PdfDamagedError(`unterminated string at ${start}`);
  }
}

/** Parses a PDF number in src[start, end); undefined if the token is not a number. */
export function parseNumber(
  src: Uint8Array,
  start: number,
  end: number,
): { value: number; integer: boolean } | undefined {
  let i = start;
  let negative = false;
  // Tolerate repeated signs ("--5"), as common readers do.
  while (i < end && (src[i] === 0x2b || src[i] === 0x2d)) {
    if (src[i] === 0x2d) negative = !negative;
    i++;
  }
  let intPart = 0;
  let digits = 0;
  while (i < end && (src[i] as number) >= 0x30 && (src[i] as number) <= 0x39) {
    intPart = intPart * 10 + ((src[i] as number) - 0x30);
    i++;
    digits++;
  }
  let integer = true;
  let frac = 0;
  let scale = 1;
  if (i < end && src[i] === 0x2e) {
    integer = false;
    i++;
    while (i < end && (src[i] as number) >= 0x30 && (src[i] as number) <= 0x39) {
      if (scale < 1e15) {
        frac = frac * 10 + ((src[i] as number) - 0x30);
        scale *= 10;
      }
      i++;
      digits++;
    }
  }
  if (i !== end || digits === 0) return undefined;
  const value = intPart + frac / scale;
  return { value: negative ? -value : value, integer: integer && Number.isSafeInteger(intPart) };
}
