/**
 * The words an administrator reads when Signet cannot use a PKCS#11 key: what
 * happened, whether it may be on purpose, and what to do. Never the PIN.
 */
import type { Pkcs11ErrorCode, Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";

export interface Pkcs11MessageFacts extends Pkcs11ErrorDetails {
  /** Why, in a few words, when the code alone does not say it (e.g. "CKA_SIGN is false"). */
  reason?: string;
  /** CK_TOKEN_INFO flags read after a failed login: a low PIN counter or a final try. */
  pinCountLow?: boolean;
  pinFinalTry?: boolean;
}

function onToken(facts: Pkcs11MessageFacts): string {
  return facts.token ? `the token ${facts.token}` : "the token";
}

function theKey(facts: Pkcs11MessageFacts): string {
  return `the PKCS#11 key ${facts.key ?? "(unnamed)"} on ${onToken(facts)}`;
}

function said(facts: Pkcs11MessageFacts): string {
  if (!facts.ckr) return "";
  return facts.operation ? ` (${facts.operation} returned ${facts.ckr})` : ` (${facts.ckr})`;
}

/** pkcs11-tool's options naming the library and the token, for commands in messages. */
function toolTarget(facts: Pkcs11MessageFacts): string {
  const label = /^"(.*)"$/.exec(facts.token ?? "");
  const slot = /^in slot (\d+)$/.exec(facts.token ?? "");
  const token = label ? ` --token-label "${label[1]}"` : slot ? ` --slot ${slot[1]}` : "";
  return `--module ${facts.modulePath}${token}`;
}

function listTokens(facts: Pkcs11MessageFacts): string {
  return `pkcs11-tool --module ${facts.modulePath} --list-token-slots`;
}

export function pkcs11ErrorMessage(code: Pkcs11ErrorCode, facts: Pkcs11MessageFacts): string {
  const reason = facts.reason ? `: ${facts.reason}` : "";
  switch (code) {
    case "pkcs11.invalid_reference":
      return `The PKCS#11 key reference is not valid${reason}.`;
    case "pkcs11.binding_unavailable":
      return (
        "Signet's PKCS#11 support is not available on this server: the native pkcs11js module could not be loaded" +
        `${reason}. The platform operator must build it (\`npm rebuild pkcs11js\`, which needs python3, make, a C++ compiler ` +
        'and Node\'s headers, and "pkcs11js": true under "allowScripts" in package.json), then restart Signet.'
      );
    case "pkcs11.module_not_found":
      return (
        `The PKCS#11 library ${facts.modulePath} could not be loaded${reason}. Install the HSM vendor's PKCS#11 client ` +
        "library on the Signet server, or correct the path (SoftHSM2 on Debian: /usr/lib/softhsm/libsofthsm2.so)."
      );
    case "pkcs11.token_not_found":
      return (
        `The PKCS#11 library ${facts.modulePath} shows no usable token ${facts.token ?? ""}${said(facts)}${reason}. Check the token label ` +
        "(it is case-sensitive) or slot id, that the token is initialised and connected (the HSM client's configuration; " +
        `SOFTHSM2_CONF for SoftHSM), and list what the library sees with \`${listTokens(facts)}\`. Nothing was signed.`
      );
    case "pkcs11.pin_incorrect": {
      const hint = facts.pinFinalTry
        ? " The token says one more wrong attempt will lock its user PIN: correct the PIN before anything tries again."
        : facts.pinCountLow
          ? " The token reports failed PIN attempts and will lock the user PIN after a few more: correct the PIN first."
          : "";
      return (
        `${onToken(facts)[0]?.toUpperCase()}${onToken(facts).slice(1)} rejected the user PIN Signet was given${said(facts)}${reason}. ` +
        "Correct the PIN in the secret or environment variable it comes from (the token's PIN was not changed)." +
        `${hint} Nothing was signed.`
      );
    }
    case "pkcs11.pin_locked":
      return (
        `The user PIN of ${onToken(facts)} cannot be used${said(facts)}${reason || ": it is locked after too many wrong attempts"}. ` +
        `The token's security officer must unlock or reset it (for example \`pkcs11-tool ${toolTarget(facts)} --login ` +
        "--login-type so --init-pin`, or the HSM's own tools); then give Signet the new PIN. Nothing was signed."
      );
    case "pkcs11.key_not_found":
      return (
        `Signet cannot find ${theKey(facts)}${said(facts)}${reason}. If the key was deleted or its access removed on purpose, this is expected: ` +
        "nothing can be sealed with it, and seals made before still verify. Otherwise check the key label and id (CKA_ID, hex) " +
        `with \`pkcs11-tool ${toolTarget(facts)} --login --list-objects --type privkey\` and correct the reference.`
      );
    case "pkcs11.ambiguous":
      return `The PKCS#11 reference is ambiguous${reason}. Name exactly one token and one key (a key id is unique where a label may not be).`;
    case "pkcs11.unsupported_key":
      return (
        `Signet cannot sign with ${theKey(facts)}${said(facts)}${reason}. Use a private key with CKA_SIGN true: RSA of 2048 bits or more, ` +
        "or ECDSA on P-256, P-384 or P-521, for which the token offers CKM_RSA_PKCS or CKM_SHA256/384/512_RSA_PKCS (RSA), " +
        "CKM_ECDSA or CKM_ECDSA_SHA256/384/512 (EC)."
      );
    case "pkcs11.device_error":
      return (
        `The PKCS#11 library ${facts.modulePath} failed while Signet used ${facts.key ? theKey(facts) : onToken(facts)}` +
        `${said(facts)}${reason}. Nothing was signed; try again. If it persists, check the HSM: its connection, its health ` +
        "and the logs of its client library."
      );
    case "pkcs11.signature_invalid":
      return (
        `The signature ${onToken(facts)} returned for ${facts.key ?? "the key"} does not verify with the key's public key; ` +
        "nothing was signed. The public key or certificate object with the same CKA_ID may belong to another key pair, " +
        "or the HSM answered wrongly: check the key pair on the token and register it again if it was replaced."
      );
  }
}
