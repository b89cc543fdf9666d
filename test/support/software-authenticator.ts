import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

/**
 * A software WebAuthn authenticator for tests without a browser: one EC P-256 (ES256)
 * credential, "none" attestation, and assertions whose every part can be bent: the UP and UV
 * flags, the signature counter, the origin, the challenge. Signatures are real (node:crypto),
 * so @simplewebauthn/server verifies them exactly as it verifies a browser's.
 */

// --- a minimal CBOR encoder: unsigned/negative integers, byte strings, text strings, maps ---
function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}
type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;
function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

export type AssertOptions = {
  /** User verification flag (default true). */
  uv?: boolean;
  /** User presence flag (default true). */
  up?: boolean;
  /** The signature counter to report; default: one more than last time. */
  counter?: number;
  origin?: string;
  rpId?: string;
  /** Whether to return the user handle (as a discoverable credential does); default true. */
  withUserHandle?: boolean;
};

export class SoftwareAuthenticator {
  readonly credentialId: Buffer = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  private userHandle: string | undefined;
  counter = 0;

  constructor(
    readonly rpId = "localhost",
    readonly origin = "http://localhost:3000",
  ) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: "jwk" });
    if (jwk.x === undefined || jwk.y === undefined) throw new Error("no EC point");
    this.publicJwk = { x: jwk.x, y: jwk.y };
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The COSE_Key of the credential: EC2, ES256, P-256. */
  cosePublicKey(): Buffer {
    return cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(this.publicJwk.x, "base64url")],
        [-3, Buffer.from(this.publicJwk.y, "base64url")],
      ]),
    );
  }

  private authenticatorData(flags: number, counter: number, rpId: string, attested: Buffer | null): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counterBytes, ...(attested === null ? [] : [attested])]);
  }

  /** navigator.credentials.create() with "none" attestation, as @simplewebauthn/browser serialises it. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    opts: { uv?: boolean; origin?: string } = {},
  ): RegistrationResponseJSON {
    this.userHandle = options.user.id;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, this.cosePublicKey()]);
    const flags = FLAG_UP | FLAG_AT | (opts.uv === false ? 0 : FLAG_UV);
    const authData = this.authenticatorData(flags, this.counter, options.rp.id ?? this.rpId, attested);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const clientDataJSON = JSON.stringify({
      type: "webauthn.create",
      challenge: options.challenge,
      origin: opts.origin ?? this.origin,
      crossOrigin: false,
    });
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() over `challenge` (base64url), signed with the credential's key. */
  assert(challenge: string, opts: AssertOptions = {}): AuthenticationResponseJSON {
    const counter = opts.counter ?? this.counter + 1;
    this.counter = Math.max(this.counter, counter);
    const flags = (opts.up === false ? 0 : FLAG_UP) | (opts.uv === false ? 0 : FLAG_UV);
    const authData = this.authenticatorData(flags, counter, opts.rpId ?? this.rpId, null);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: "webauthn.get", challenge, origin: opts.origin ?? this.origin, crossOrigin: false }),
      "utf8",
    );
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: opts.withUserHandle === false ? undefined : this.userHandle,
      },
      clientExtensionResults: {},
    };
  }
}
