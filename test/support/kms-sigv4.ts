/**
 * Checks AWS Signature Version 4 on a request received by the test KMS/STS
 * endpoint, the way AWS does: parse the Authorization header, rebuild the
 * canonical request from the signed headers, and compare HMACs with the secret of
 * the access key id (unknown id → UnrecognizedClientException; wrong signature →
 * InvalidSignatureException; missing → MissingAuthenticationTokenException).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface SigV4Credential {
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type SigV4Result =
  | { ok: true; authorization: SigV4Authorization }
  | {
      ok: false;
      error:
        | "MissingAuthenticationTokenException"
        | "IncompleteSignatureException"
        | "UnrecognizedClientException"
        | "InvalidSignatureException";
      message: string;
    };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(",") : value).trim().replace(/\s+/g, " ");
}

export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  const match = AUTHORIZATION.exec(header ?? "");
  if (!match) return undefined;
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

export function verifySigV4(params: {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  region: string;
  service: string;
  lookup: (accessKeyId: string) => SigV4Credential | undefined;
  now?: Date;
}): SigV4Result {
  const { headers } = params;
  const header = headerValue(headers, "authorization");
  if (!header)
    return { ok: false, error: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  const auth = parseAuthorization(header);
  const amzDate = headerValue(headers, "x-amz-date");
  if (!auth || !amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return {
      ok: false,
      error: "IncompleteSignatureException",
      message: "Authorization header or X-Amz-Date is malformed.",
    };
  }
  const credential = params.lookup(auth.accessKeyId);
  if (!credential)
    return {
      ok: false,
      error: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  if (
    credential.sessionToken !== undefined &&
    headerValue(headers, "x-amz-security-token") !== credential.sessionToken
  ) {
    return {
      ok: false,
      error: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }
  if (auth.region !== params.region || auth.service !== params.service || !amzDate.startsWith(auth.date)) {
    return {
      ok: false,
      error: "InvalidSignatureException",
      message: `Credential should be scoped to a valid region and service (${params.region}/${params.service}).`,
    };
  }
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs((params.now ?? new Date()).getTime() - signedAt) > 15 * 60_000) {
    return { ok: false, error: "InvalidSignatureException", message: "Signature expired." };
  }
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("x-amz-date")) {
    return {
      ok: false,
      error: "InvalidSignatureException",
      message: "The host and x-amz-date headers must be signed.",
    };
  }

  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${headerValue(headers, name) ?? ""}\n`).join("");
  const payloadHash = headerValue(headers, "x-amz-content-sha256") ?? sha256Hex(params.body);
  const [path = "/", query = ""] = params.path.split("?");
  const canonicalQuery = query.split("&").filter(Boolean).sort().join("&");
  const canonicalRequest = [
    params.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credential.secretAccessKey}`, auth.date), auth.region), auth.service),
    "aws4_request",
  );
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, "hex"))) {
    return {
      ok: false,
      error: "InvalidSignatureException",
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    };
  }
  return { ok: true, authorization: auth };
}
