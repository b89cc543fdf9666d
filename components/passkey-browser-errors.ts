/** Plain words for what the browser's WebAuthn prompt can end with (its own errors never reach the server). */
export function passkeyPromptError(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: unknown } | null)?.code;
  if (name === "NotAllowedError" || code === "ERROR_CEREMONY_ABORTED")
    return "The passkey prompt was closed or timed out. Nothing happened; try again when you are ready.";
  if (name === "InvalidStateError" || code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED")
    return "This device already holds a passkey for your account.";
  if (name === "SecurityError")
    return "Passkeys do not work at this address. Open Signet at its usual address and try again.";
  if (name === "NotSupportedError" || code === "ERROR_PASSKEY_NOT_SUPPORTED")
    return "This browser or device does not support passkeys.";
  return "The passkey prompt failed. Try again, or use another device.";
}
