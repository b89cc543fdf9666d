import "server-only";
import { ZodError } from "zod";
import { isSignetError } from "@/lib/engine/errors";
import { ValidationError } from "@/lib/access/access-errors";
import { log } from "@/lib/log/logger";

/** What every form action returns: a message for the person, and the values to show again (never passwords). */
export type ActionState = {
  ok?: boolean;
  message?: string;
  error?: string;
  field?: string;
  values?: Record<string, string>;
  /** A secret shown once, such as an invitation link. */
  reveal?: string;
};

/**
 * The state a form shows after `error`. Next.js's redirect and not-found signals (an expired
 * session sent to sign-in, for instance) are not failures: they are thrown on, for Next to follow.
 */
export function failure(error: unknown, values: Record<string, string> = {}): ActionState {
  if (isNextControlFlow(error)) throw error;
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return { error: issue?.message ?? "Check the form and try again.", field: issue?.path.join("."), values };
  }
  if (error instanceof ValidationError) return { error: error.message, field: error.field, values };
  if (isSignetError(error)) {
    const field = (error as { field?: unknown }).field;
    return { error: error.message, field: typeof field === "string" ? field : undefined, values };
  }
  log.error(
    { err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) },
    "unexpected error in a server action",
  );
  return { error: "Something went wrong on our side. Nothing was changed; please try again.", values };
}

export function formValues(form: FormData, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? "")]));
}

/** Next.js signals redirects and not-found by throwing; those must pass through our catch blocks. */
export function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return (
    typeof digest === "string" &&
    (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK") || digest === "NEXT_NOT_FOUND")
  );
}
