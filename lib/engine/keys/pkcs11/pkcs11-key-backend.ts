/**
 * KeyBackend over a private key held in a PKCS#11 token (an HSM, a smart card,
 * SoftHSM). Only a reference (library path, token, key label or id) and the
 * public key are Signet's; the private key never leaves the token, and the PIN is
 * given by the caller (read from the environment or a secret) and held only in
 * this object's memory, to log in again if the session is lost.
 *
 * One session per backend, logged in as the user, with every operation on it
 * serialised (C_SignInit … C_Sign must not interleave). sign(): CKM_RSA_PKCS over
 * the DigestInfo of the digest, or CKM_ECDSA over the digest with the raw r‖s
 * converted to DER (hash-and-sign mechanisms as a fallback: pkcs11-mechanism.ts).
 * Every signature is verified against the key's public key before it is returned.
 * A lost session (token reset, HSM reconnect) is reopened once per call, and the
 * key found again must have the same public key.
 */
import type { KeyObject } from "node:crypto";
import { bytesEqual } from "@/lib/engine/asn1/der";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { canonicalSpki, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { digest as hashBytes } from "@/lib/engine/crypto/hash";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { CKU } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { Pkcs11Error, type Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { acquirePkcs11Module, releasePkcs11Module, type Pkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import { findToken, slotIdOf } from "@/lib/engine/keys/pkcs11/pkcs11-token";
import { Pkcs11Session } from "@/lib/engine/keys/pkcs11/pkcs11-session";
import { findPrivateKey, type FoundKey } from "@/lib/engine/keys/pkcs11/pkcs11-find-key";
import { chooseSigningMechanism } from "@/lib/engine/keys/pkcs11/pkcs11-mechanism";
import {
  parseKeyReference,
  type ParsedKeyReference,
  type Pkcs11KeyReference,
} from "@/lib/engine/keys/pkcs11/pkcs11-reference";
import { pkcs11Error, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";
import { SerialQueue } from "@/lib/engine/keys/pkcs11/serial-queue";

export interface Pkcs11KeyBackendOptions extends Pkcs11KeyReference {
  /** The token's user PIN, from the environment or a secret store. Never logged, never in an error. */
  pin: string;
  /** SubjectPublicKeyInfo (DER) registered for this key: the key found on the token must have exactly this public key. */
  publicKey?: Uint8Array;
}

/** What identifies the key as it was found (safe to store and show). */
export interface Pkcs11KeyIdentity {
  modulePath: string;
  tokenLabel: string;
  /** CK_SLOT_ID of the token's slot now (slot ids can change when tokens are added). */
  slot: string;
  keyLabel: string | undefined;
  /** CKA_ID, hex; empty when the key has none. */
  keyId: string;
}

interface Connection {
  session: Pkcs11Session;
  key: FoundKey;
  tokenLabel: string;
  mechanisms: ReadonlySet<number>;
}

/** Failures after which the session (or the token behind it) is gone and one reconnect is worth trying. */
const SESSION_LOST = new Set([
  "CKR_SESSION_HANDLE_INVALID",
  "CKR_SESSION_CLOSED",
  "CKR_USER_NOT_LOGGED_IN",
  "CKR_KEY_HANDLE_INVALID",
  "CKR_OBJECT_HANDLE_INVALID",
  "CKR_OPERATION_ACTIVE",
  "CKR_DEVICE_REMOVED",
  "CKR_DEVICE_ERROR",
  "CKR_TOKEN_NOT_PRESENT",
]);

function connect(module: Pkcs11Module, reference: ParsedKeyReference, pin: string): Connection {
  const context: Pkcs11ErrorDetails = {
    modulePath: reference.modulePath,
    token: reference.tokenText,
    key: reference.keyText,
  };
  const token = findToken(module, reference);
  const session = Pkcs11Session.open(module, token, pin, { readWrite: false, context });
  try {
    const key = findPrivateKey(session, reference, context);
    let mechanisms: number[];
    try {
      mechanisms = module.api.C_GetMechanismList(token.slot);
    } catch (error) {
      throw toPkcs11Error(error, { ...context, key: key.keyText, operation: "C_GetMechanismList" });
    }
    return { session, key, tokenLabel: token.label, mechanisms: new Set(mechanisms) };
  } catch (error) {
    session.close();
    throw error;
  }
}

export class Pkcs11KeyBackend implements KeyBackend {
  readonly description: string;
  readonly #reference: ParsedKeyReference;
  readonly #module: Pkcs11Module;
  readonly #pin: string;
  readonly #spki: Uint8Array;
  readonly #publicKey: KeyObject;
  readonly #algorithm: KeyAlgorithm;
  readonly #queue = new SerialQueue();
  #connection: Connection | undefined;
  #closed = false;

  private constructor(module: Pkcs11Module, reference: ParsedKeyReference, pin: string, connection: Connection) {
    this.#module = module;
    this.#reference = reference;
    this.#pin = pin;
    this.#connection = connection;
    this.#spki = connection.key.spki;
    this.#publicKey = publicKeyFromSpki(this.#spki);
    this.#algorithm = connection.key.algorithm;
    this.description = `PKCS#11 key ${connection.key.keyText} on token "${connection.tokenLabel}" (${reference.modulePath})`;
  }

  /**
   * Loads the library (shared per process), finds the token, opens a session, logs
   * in as the user and finds the key and its public key. Call close() when done.
   */
  static async open(options: Pkcs11KeyBackendOptions): Promise<Pkcs11KeyBackend> {
    const reference = parseKeyReference(options);
    if (typeof options.pin !== "string" || options.pin.length === 0) {
      throw pkcs11Error(
        "pkcs11.invalid_reference",
        { modulePath: reference.modulePath, token: reference.tokenText },
        {
          reason: "the PIN is empty (check the environment variable or secret it is read from)",
        },
      );
    }
    const library = acquirePkcs11Module(reference.modulePath);
    let connection: Connection | undefined;
    try {
      connection = connect(library, reference, options.pin);
      if (options.publicKey && !bytesEqual(canonicalSpki(options.publicKey), connection.key.spki)) {
        throw pkcs11Error(
          "pkcs11.key_not_found",
          { modulePath: reference.modulePath, token: reference.tokenText, key: connection.key.keyText },
          {
            reason:
              "the key under this reference is not the key registered with Signet (its public key differs); it may have been replaced on the token",
          },
        );
      }
      return new Pkcs11KeyBackend(library, reference, options.pin, connection);
    } catch (error) {
      connection?.session.close();
      releasePkcs11Module(library);
      throw error;
    }
  }

  /** The key as found on the token: store `keyId` to name it unambiguously later. */
  identity(): Pkcs11KeyIdentity {
    const connection = this.#connection;
    return {
      modulePath: this.#reference.modulePath,
      tokenLabel: connection?.tokenLabel ?? this.#reference.tokenLabel ?? "",
      slot: connection ? slotIdOf(connection.session.slot).toString() : String(this.#reference.slot ?? ""),
      keyLabel: connection?.key.label ?? this.#reference.keyLabel,
      keyId: connection?.key.id.toString("hex") ?? this.#reference.keyId?.toString("hex") ?? "",
    };
  }

  async keyAlgorithm(): Promise<KeyAlgorithm> {
    return this.#algorithm;
  }

  async publicKey(): Promise<Uint8Array> {
    return this.#spki.slice();
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const { message, digest, hash } = request;
    if (!bytesEqual(hashBytes(hash, message), digest)) {
      throw new KeyError("key.digest_mismatch", "The message to sign does not match its digest; nothing was signed.");
    }
    return this.#queue.run(async () => {
      let signature: Uint8Array | undefined;
      for (let attempt = 0; signature === undefined; attempt += 1) {
        const connection = this.#ensureConnection();
        try {
          signature = await this.#signOnce(connection, request);
        } catch (error) {
          // The session may hold an unfinished operation, or be dead: never reuse it after a failure.
          this.#dropConnection();
          const lost = error instanceof Pkcs11Error && error.ckr !== undefined && SESSION_LOST.has(error.ckr);
          if (!(lost && attempt === 0)) throw error;
        }
      }
      if (!verifySignature({ publicKey: this.#publicKey, message, signature, hash })) throw this.#invalidSignature();
      return signature;
    });
  }

  /** Opens the session again if needed and asks the token about it: for health checks. */
  async checkSession(): Promise<void> {
    await this.#queue.run(() => {
      const connection = this.#ensureConnection();
      try {
        this.#module.api.C_GetSessionInfo(connection.session.handle);
      } catch (error) {
        this.#dropConnection();
        throw toPkcs11Error(error, { ...this.#context(connection), operation: "C_GetSessionInfo" });
      }
    });
  }

  /** Closes the session (after any signature in progress) and releases the library; C_Finalize when it was the last user. */
  async close(): Promise<void> {
    await this.#queue.run(() => {
      if (this.#closed) return;
      this.#closed = true;
      this.#dropConnection();
      releasePkcs11Module(this.#module);
    });
  }

  async #signOnce(connection: Connection, request: SignRequest): Promise<Uint8Array> {
    const { api } = this.#module;
    const { session, key } = connection;
    const context = this.#context(connection);
    const mechanism = chooseSigningMechanism(
      this.#algorithm,
      request.hash,
      connection.mechanisms,
      key.allowedMechanisms,
    );
    if (!mechanism) {
      throw pkcs11Error("pkcs11.unsupported_key", context, {
        reason: `neither the token nor the key's CKA_ALLOWED_MECHANISMS offers a mechanism for a ${request.hash} signature`,
      });
    }
    const call = <T>(operation: string, run: () => T): T => {
      try {
        return run();
      } catch (error) {
        throw toPkcs11Error(error, { ...context, operation });
      }
    };
    call("C_SignInit", () => api.C_SignInit(session.handle, { mechanism: mechanism.mechanism }, key.handle));
    if (key.alwaysAuthenticate) call("C_Login", () => api.C_Login(session.handle, CKU.CONTEXT_SPECIFIC, this.#pin));
    let output: Buffer;
    try {
      output = await api.C_SignAsync(
        session.handle,
        Buffer.from(mechanism.input(request)),
        Buffer.alloc(mechanism.maxLength),
      );
    } catch (error) {
      throw toPkcs11Error(error, { ...context, operation: "C_Sign" });
    }
    try {
      return mechanism.output(new Uint8Array(output));
    } catch {
      throw this.#invalidSignature();
    }
  }

  #ensureConnection(): Connection {
    if (this.#closed) throw new Error(`${this.description} was closed; open a new Pkcs11KeyBackend.`);
    if (this.#connection) return this.#connection;
    const connection = connect(this.#module, this.#reference, this.#pin);
    if (!bytesEqual(connection.key.spki, this.#spki)) {
      connection.session.close();
      throw pkcs11Error("pkcs11.key_not_found", this.#context(connection), {
        reason:
          "the key now found under this reference is not the one Signet opened (its public key differs); it may have been replaced on the token",
      });
    }
    this.#connection = connection;
    return connection;
  }

  #dropConnection(): void {
    this.#connection?.session.close();
    this.#connection = undefined;
  }

  #context(connection: Connection | undefined): Pkcs11ErrorDetails {
    return {
      modulePath: this.#reference.modulePath,
      token: connection ? `"${connection.tokenLabel}"` : this.#reference.tokenText,
      key: connection?.key.keyText ?? this.#reference.keyText,
    };
  }

  #invalidSignature(): Pkcs11Error {
    return pkcs11Error("pkcs11.signature_invalid", this.#context(this.#connection));
  }
}
