import { randomBytes } from "node:crypto";

/** A fresh, unguessable nonce for one response's scripts. */
export function newNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * The Content-Security-Policy of one response. Scripts run only with this response's nonce
 * (Next.js reads it from the request's copy of the header and puts it on every script it
 * renders) or when a nonced script loads them ('strict-dynamic'); 'self' is only a fallback for
 * browsers without 'strict-dynamic'. pdf.js previews run a module worker from our origin and
 * may compile its WebAssembly image decoders ('wasm-unsafe-eval' allows compiling, not eval).
 * Styles may be inline: React renders style attributes (the stamp placement) and the risk of a
 * style is small when images, fonts and connections are held to our origin. Development adds
 * 'unsafe-eval', which React's dev build needs; production never has it.
 */
export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * Strict-Transport-Security when people reach Signet over https (SIGNET_PUBLIC_URL), for a
 * year; without includeSubDomains, which would bind the operator's other hosts too. None over
 * http: a browser would ignore it, and an operator testing on http must not be locked out later.
 */
export function strictTransportSecurity(publicUrl: string): string | undefined {
  return new URL(publicUrl).protocol === "https:" ? "max-age=31536000" : undefined;
}
