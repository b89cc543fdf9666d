/**
 * RFC 3161 TimeStampResp:
 *   SEQUENCE { status PKIStatusInfo { status INTEGER, statusString SEQUENCE OF UTF8String OPTIONAL,
 *              failInfo BIT STRING OPTIONAL }, timeStampToken ContentInfo OPTIONAL }
 */
import { DerError, Tag, decodeSmallInteger, expectTag, readChildren, readSingle } from "@/lib/engine/asn1/der";
import { TsaError } from "@/lib/engine/tsa/tsa-errors";

const STATUS_TEXT = [
  "granted",
  "granted with modifications",
  "rejection",
  "waiting",
  "revocation warning",
  "revocation notification",
];
const FAIL_INFO: Record<number, string> = {
  0: "unrecognised or unsupported hash algorithm",
  2: "transaction not permitted or supported",
  5: "the data submitted has the wrong format",
  14: "the TSA's time source is not available",
  15: "the requested TSA policy is not supported",
  16: "the requested extension is not supported",
  17: "additional information is not available",
  25: "the request cannot be handled due to a system failure",
};

/** The token of a granted response; a TsaError for anything else. */
export function readTimestampResponse(der: Uint8Array): Uint8Array {
  let status: number;
  let statusText: string[] = [];
  let failures: string[] = [];
  let token: Uint8Array | undefined;
  try {
    const [statusInfo, tokenEl] = readChildren(expectTag(readSingle(der), Tag.SEQUENCE, "TimeStampResp"));
    const parts = readChildren(expectTag(statusInfo, Tag.SEQUENCE, "PKIStatusInfo"));
    status = decodeSmallInteger(expectTag(parts[0], Tag.INTEGER, "PKIStatus"));
    for (const part of parts.slice(1)) {
      if (part.tag === Tag.SEQUENCE)
        statusText = readChildren(part).map((s) => new TextDecoder().decode(s.content).slice(0, 200));
      if (part.tag === Tag.BIT_STRING) failures = failInfo(part.content);
    }
    token = tokenEl ? expectTag(tokenEl, Tag.SEQUENCE, "TimeStampToken").der : undefined;
  } catch (cause) {
    throw new TsaError(
      "tsa.bad_response",
      "The timestamp authority sent a response that is not a valid RFC 3161 reply.",
      {
        reason: "malformed",
        cause: cause instanceof DerError ? cause : undefined,
      },
    );
  }
  if (status > 1) {
    const detail = [...failures, ...statusText].join("; ");
    throw new TsaError(
      "tsa.rejected",
      `The timestamp authority refused the request (${STATUS_TEXT[status] ?? `status ${status}`}${detail ? `: ${detail}` : ""}).`,
    );
  }
  if (!token) {
    throw new TsaError("tsa.bad_response", "The timestamp authority granted the request but sent no token.", {
      reason: "malformed",
    });
  }
  return token;
}

function failInfo(content: Uint8Array): string[] {
  const bits = content.subarray(1);
  const out: string[] = [];
  for (let bit = 0; bit < bits.length * 8; bit++) {
    if (((bits[bit >> 3] as number) & (0x80 >> (bit & 7))) !== 0) out.push(FAIL_INFO[bit] ?? `failure ${bit}`);
  }
  return out;
}
