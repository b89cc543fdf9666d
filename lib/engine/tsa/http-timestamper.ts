/**
 * RFC 3161 over HTTP (RFC 3161 3.4): POST application/timestamp-query with a
 * random nonce and certReq TRUE. Before a token is returned it is checked: the
 * imprint is ours, the nonce is ours, and the TSA's signature verifies with the
 * certificate in the token (which must be a timestamping certificate).
 * Every failure is a TsaError: tsa.timeout, tsa.http_error, tsa.rejected,
 * tsa.bad_response.
 */
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digestLength } from "@/lib/engine/crypto/hash";
import { CmsError } from "@/lib/engine/cms/cms-errors";
import type { Timestamper } from "@/lib/engine/tsa/timestamper";
import { buildTimestampRequest } from "@/lib/engine/tsa/timestamp-request";
import { readTimestampResponse } from "@/lib/engine/tsa/timestamp-response";
import { checkTimestampToken, type TimestampTokenCheck } from "@/lib/engine/tsa/check-timestamp-token";
import { TsaError, type TsaBadResponseReason } from "@/lib/engine/tsa/tsa-errors";

export interface HttpTimestamperOptions {
  url: string;
  /** Whole exchange, connection to last byte. Default 30 s. */
  timeoutMs?: number;
  /** Extra headers, e.g. Authorization for a paid TSA. Not logged. */
  headers?: Record<string, string>;
  /** Largest response accepted. Default 256 KB. */
  maxResponseBytes?: number;
}

export class HttpTimestamper implements Timestamper {
  readonly #options: Required<Omit<HttpTimestamperOptions, "headers">> & { headers: Record<string, string> };
  readonly #host: string;

  constructor(options: HttpTimestamperOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new TsaError("tsa.http_error", "The timestamp authority URL is not a valid URL.");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TsaError("tsa.http_error", "The timestamp authority URL must use http or https.");
    }
    this.#host = url.host;
    this.#options = { timeoutMs: 30_000, maxResponseBytes: 256 * 1024, headers: {}, ...options };
  }

  async timestamp(messageImprint: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array> {
    return (await this.timestampWithDetails(messageImprint, hash)).token;
  }

  /** The token and what was checked about it (genTime, TSA certificate) for reports. */
  async timestampWithDetails(
    messageImprint: Uint8Array,
    hash: HashAlgorithm,
  ): Promise<{ token: Uint8Array; check: TimestampTokenCheck }> {
    if (messageImprint.length !== digestLength(hash)) {
      throw new TsaError("tsa.bad_response", `A ${hash} message imprint must be ${digestLength(hash)} bytes.`, {
        reason: "malformed",
      });
    }
    const request = buildTimestampRequest(messageImprint, hash);
    const body = await this.#post(request.der);
    const token = readTimestampResponse(body);
    let check: TimestampTokenCheck;
    try {
      check = checkTimestampToken(token, { imprint: { digest: messageImprint, hash }, nonce: request.nonce });
    } catch (cause) {
      if (cause instanceof CmsError)
        throw this.#bad("malformed", "The timestamp token in the response cannot be read.", cause);
      throw cause;
    }
    if (check.nonceMatches === false)
      throw this.#bad("nonce_mismatch", "The timestamp response does not answer our request (wrong nonce).");
    if (check.imprintMatches === false)
      throw this.#bad("imprint_mismatch", "The timestamp is not over the data we sent (wrong message imprint).");
    if (!check.tsaCertificate)
      throw this.#bad("malformed", "The timestamp token does not include the authority's certificate.");
    if (!check.timeStampingPurpose)
      throw this.#bad(
        "not_a_tsa_certificate",
        "The timestamp was signed by a certificate that is not for timestamping.",
      );
    if (!check.valid)
      throw this.#bad("signature_invalid", "The timestamp authority's signature on the token does not verify.");
    return { token, check };
  }

  async #post(der: Uint8Array): Promise<Uint8Array> {
    let response: Response;
    const signal = AbortSignal.timeout(this.#options.timeoutMs);
    try {
      response = await fetch(this.#options.url, {
        method: "POST",
        headers: {
          ...this.#options.headers,
          "Content-Type": "application/timestamp-query",
          Accept: "application/timestamp-reply",
        },
        body: new Uint8Array(der) as Uint8Array<ArrayBuffer>,
        signal,
        redirect: "error",
      });
    } catch (cause) {
      throw this.#networkError(cause, signal);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new TsaError("tsa.http_error", `The timestamp authority ${this.#host} answered HTTP ${response.status}.`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > this.#options.maxResponseBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw this.#bad("too_large", "The timestamp authority's response is too large.");
    }
    try {
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > this.#options.maxResponseBytes)
        throw this.#bad("too_large", "The timestamp authority's response is too large.");
      return bytes;
    } catch (cause) {
      if (cause instanceof TsaError) throw cause;
      throw this.#networkError(cause, signal);
    }
  }

  #networkError(cause: unknown, signal: AbortSignal): TsaError {
    if (signal.aborted) {
      return new TsaError(
        "tsa.timeout",
        `The timestamp authority ${this.#host} did not answer within ${Math.round(this.#options.timeoutMs / 1000)} s.`,
      );
    }
    const code = (cause as { cause?: { code?: unknown } } | null)?.cause?.code;
    return new TsaError(
      "tsa.http_error",
      `The timestamp authority ${this.#host} could not be reached${typeof code === "string" ? ` (${code})` : ""}.`,
    );
  }

  #bad(reason: TsaBadResponseReason, message: string, cause?: unknown): TsaError {
    return new TsaError("tsa.bad_response", message, { reason, cause });
  }
}
