import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import type { RequestMeta } from "../audit/append-audit";
import type { OrgContext } from "../access/org-context";
import type { SealManifest } from "../auth/step-up/seal-manifest";
import type { Db } from "../db/client";

/**
 * The sealing step-up, as lib/auth/step-up provides it: a challenge bound to a SealManifest
 * (this user, organisation, document hashes, certificate, placements), single-use and
 * short-lived, answered by a WebAuthn assertion with user verification or a TOTP code.
 * The sealing service is handed these two functions, so its tests can use a fake.
 */
export type StepUpResponse = { kind: "webauthn"; assertion: AuthenticationResponseJSON } | { kind: "totp"; code: string };

/** The browser's answer, checked for shape only: lib/auth/step-up verifies the assertion itself. */
export const stepUpResponseSchema: z.ZodType<StepUpResponse> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("webauthn"), assertion: z.custom<AuthenticationResponseJSON>((v) => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string", "The passkey's answer is incomplete.") }),
  z.object({ kind: z.literal("totp"), code: z.string().trim().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app.") }),
]);

export type IssuedStepUp = { challengeId: string; expiresAt?: Date; webauthn: PublicKeyCredentialRequestOptionsJSON | null; totpAllowed: boolean };

export type ConsumedStepUp = { method: "webauthn" | "totp"; credentialId: string | null };

export interface SealStepUp {
  issue(db: Db, ctx: OrgContext, manifest: SealManifest, request: RequestMeta): Promise<IssuedStepUp>;
  /** Verifies the response and consumes the challenge atomically; throws (and audits the refusal itself) when it does not hold. */
  consume(db: Db, ctx: OrgContext, input: { challengeId: string; manifest: SealManifest; response: StepUpResponse }, request: RequestMeta): Promise<ConsumedStepUp>;
}
