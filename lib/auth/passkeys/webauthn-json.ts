import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";

/**
 * zod schemas for what a browser sends back from navigator.credentials.create()/get() (as
 * serialised by @simplewebauthn/browser). Everything is base64url text with sane size limits;
 * the cryptographic checks happen in @simplewebauthn/server afterwards.
 */
const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, "not base64url");

const TRANSPORTS = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;
export type PasskeyTransport = (typeof TRANSPORTS)[number];

const credentialId = base64url(1400).min(1);

export const authenticationResponseSchema = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal("public-key"),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    response: z.object({
      clientDataJSON: base64url(8192).min(1),
      authenticatorData: base64url(8192).min(1),
      signature: base64url(2048).min(1),
      userHandle: base64url(128).optional(),
    }),
  })
  .transform((r): AuthenticationResponseJSON => ({
    id: r.id,
    rawId: r.rawId,
    type: r.type,
    authenticatorAttachment: r.authenticatorAttachment,
    response: {
      clientDataJSON: r.response.clientDataJSON,
      authenticatorData: r.response.authenticatorData,
      signature: r.response.signature,
      userHandle: r.response.userHandle,
    },
    clientExtensionResults: {},
  }));

export const registrationResponseSchema = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal("public-key"),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    response: z.object({
      clientDataJSON: base64url(8192).min(1),
      attestationObject: base64url(65_536).min(1),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  })
  .transform((r): RegistrationResponseJSON => ({
    id: r.id,
    rawId: r.rawId,
    type: r.type,
    authenticatorAttachment: r.authenticatorAttachment,
    response: {
      clientDataJSON: r.response.clientDataJSON,
      attestationObject: r.response.attestationObject,
      transports: r.response.transports,
    },
    clientExtensionResults: {},
  }));

/** Transports we store (unknown values from newer browsers are dropped). */
export function knownTransports(transports: readonly string[] | undefined): PasskeyTransport[] {
  return (transports ?? []).filter((t): t is PasskeyTransport => (TRANSPORTS as readonly string[]).includes(t));
}

/** The flags byte of authenticator data (WebAuthn §6.1): user present, user verified. Null when unreadable. */
export function authenticatorFlags(
  authenticatorDataB64url: string,
): { userPresent: boolean; userVerified: boolean; counter: number } | null {
  const data = Buffer.from(authenticatorDataB64url, "base64url");
  if (data.length < 37) return null;
  const flags = data[32] ?? 0;
  return { userPresent: (flags & 0x01) !== 0, userVerified: (flags & 0x04) !== 0, counter: data.readUInt32BE(33) };
}

/** The WebAuthn user handle of a Signet user: the 16 bytes of their (random, v4) UUID — no personal data. */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  const hex = userId.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error("a user id is a UUID");
  return new Uint8Array(Buffer.from(hex, "hex"));
}
