import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { authenticationResponseSchema } from "@/lib/auth/passkeys/webauthn-json";

/** The browser's answer to a step-up challenge, checked for shape only: verifyStepUpAnswer checks the assertion or code itself. */
export const stepUpResponseSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("webauthn"),
    assertion: z.custom<AuthenticationResponseJSON>(
      (v) => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string",
      "The passkey's answer is incomplete.",
    ),
  }),
  z.object({
    kind: z.literal("totp"),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app."),
  }),
]);

export type StepUpResponse = z.infer<typeof stepUpResponseSchema>;

export type StepUpMethod = StepUpResponse["kind"];

/**
 * An answer as the verifier reads it, whatever arrived: the method it claims and, for a passkey,
 * the credential it names (both go into the audit of a refusal), and the assertion when it is
 * well formed (null when not: refused as a bad assertion).
 */
export type StepUpAnswer =
  | { method: "webauthn"; credentialId: string | null; assertion: AuthenticationResponseJSON | null }
  | { method: "totp"; credentialId: null; code: string };

// Looser than stepUpResponseSchema on purpose: a malformed code is refused as a wrong code.
const answerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("webauthn"), assertion: z.unknown() }),
  z.object({ kind: z.literal("totp"), code: z.string() }),
]);

/** Reads an untrusted answer; null when it is neither a passkey assertion nor a code. */
export function readStepUpAnswer(raw: unknown): StepUpAnswer | null {
  const response = answerSchema.safeParse(raw);
  if (!response.success) return null;
  if (response.data.kind === "totp") return { method: "totp", credentialId: null, code: response.data.code };
  const assertion = authenticationResponseSchema.safeParse(response.data.assertion);
  return assertion.success
    ? { method: "webauthn", credentialId: assertion.data.id, assertion: assertion.data }
    : { method: "webauthn", credentialId: null, assertion: null };
}
