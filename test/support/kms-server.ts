/**
 * A KMS-compatible HTTP endpoint for tests, on 127.0.0.1 and a random port. It
 * speaks what @aws-sdk/client-kms sends: the AWS JSON 1.1 protocol (POST /,
 * `X-Amz-Target: TrentService.<Operation>`, `Content-Type: application/x-amz-json-1.1`,
 * JSON bodies with base64 blobs; errors as HTTP 400 `{ "__type", "message" }`) for
 * DescribeKey, GetPublicKey and Sign (asymmetric signing keys), GenerateDataKey,
 * Encrypt and Decrypt (symmetric encryption keys), and STS AssumeRole in the Query protocol
 * (kms-sts.ts). Every request must carry a valid SigV4 signature (kms-sigv4.ts)
 * made with the server's test credentials or with credentials it issued through
 * AssumeRole. Keys are real (kms-keys.ts) and each can be switched into a failure
 * mode. Every request is recorded for assertions.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  KmsFault,
  ciphertextKeyId,
  createTestKmsKey,
  isSymmetricTestKmsKey,
  kmsDecrypt,
  kmsEncrypt,
  kmsGenerateDataKey,
  kmsSign,
  signingAlgorithmsOf,
  type AnyTestKmsKey,
  type AnyTestKmsKeySpec,
  type EncryptionContext,
  type SymmetricTestKmsKey,
  type TestKmsKey,
  type TestKmsKeySpec,
  type TestKmsKeyUsage,
  type TestKmsMode,
} from "@/test/support/kms-keys";
import { verifySigV4, type SigV4Credential } from "@/test/support/kms-sigv4";
import { assumeRole, stsError, type IssuedCredentials, type TestRole } from "@/test/support/kms-sts";

export type {
  AnyTestKmsKey,
  AnyTestKmsKeySpec,
  SymmetricTestKmsKey,
  TestKmsKey,
  TestKmsKeySpec,
  TestKmsMode,
} from "@/test/support/kms-keys";

export interface RecordedKmsRequest {
  service: "kms" | "sts";
  /** "DescribeKey", "GetPublicKey", "Sign", "GenerateDataKey", "Encrypt", "Decrypt", "AssumeRole", … */
  operation: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (KMS) or form fields (STS). */
  body: Record<string, unknown>;
  /** Access key id of a valid SigV4 signature, if any. */
  accessKeyId?: string;
  /** The error type answered, if any. */
  error?: string;
}

export interface TestKmsServer {
  endpoint: string;
  region: string;
  accountId: string;
  /** Long-term test credentials the endpoint accepts. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  callerArn: string;
  requests: RecordedKmsRequest[];
  /** Credentials handed out by AssumeRole. */
  issued: IssuedCredentials[];
  /** A symmetric encryption key (SYMMETRIC_DEFAULT, always ENCRYPT_DECRYPT), or an asymmetric key (SIGN_VERIFY unless told). */
  createKey(spec: "SYMMETRIC_DEFAULT", options?: TestKmsKeyOptions): SymmetricTestKmsKey;
  createKey(spec: TestKmsKeySpec, options?: TestKmsKeyOptions): TestKmsKey;
  createKey(spec: AnyTestKmsKeySpec, options?: TestKmsKeyOptions): AnyTestKmsKey;
  setMode(key: AnyTestKmsKey, mode: TestKmsMode, options?: { delayMs?: number; throttleCount?: number }): void;
  allowRole(role: TestRole): void;
  stop(): Promise<void>;
}

export interface TestKmsKeyOptions {
  usage?: TestKmsKeyUsage;
  alias?: string;
  description?: string;
}

const JSON_TYPE = "application/x-amz-json-1.1";
const OPERATIONS = ["DescribeKey", "GetPublicKey", "Sign", "GenerateDataKey", "Encrypt", "Decrypt"];

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const blob = (value: unknown): Uint8Array =>
  typeof value === "string" ? new Uint8Array(Buffer.from(value, "base64")) : new Uint8Array();
const optionalString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** EncryptionContext: a JSON object of string values (absent: empty). */
function encryptionContext(value: unknown): EncryptionContext {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new KmsFault("SerializationException", "EncryptionContext must be a map of strings.");
  const context: EncryptionContext = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== "string")
      throw new KmsFault("SerializationException", "EncryptionContext must be a map of strings.");
    context[name] = item;
  }
  return context;
}

const epochSeconds = (date: Date): number => date.getTime() / 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startTestKms(options: { region?: string; accountId?: string } = {}): Promise<TestKmsServer> {
  const region = options.region ?? "eu-west-1";
  const accountId = options.accountId ?? "111122223333";
  const credentials = {
    accessKeyId: "AKIASIGNETTESTKMS001",
    secretAccessKey: "signet/test/secret/KMS+do-not-use-anywhere-else",
  };
  const callerArn = `arn:aws:iam::${accountId}:user/signet-test`;
  const keys = new Map<string, AnyTestKmsKey>();
  const aliases = new Map<string, AnyTestKmsKey>();
  const roles = new Map<string, TestRole>();
  const issued: IssuedCredentials[] = [];
  const requests: RecordedKmsRequest[] = [];

  const lookupCredential = (accessKeyId: string): SigV4Credential | undefined => {
    if (accessKeyId === credentials.accessKeyId) return { secretAccessKey: credentials.secretAccessKey };
    const temporary = issued.find((c) => c.accessKeyId === accessKeyId && c.expiration.getTime() > Date.now());
    return temporary && { secretAccessKey: temporary.secretAccessKey, sessionToken: temporary.sessionToken };
  };

  const principalOf = (accessKeyId: string | undefined): string => {
    const temporary = issued.find((c) => c.accessKeyId === accessKeyId);
    return temporary
      ? `arn:aws:sts::${accountId}:assumed-role/${temporary.roleArn.split("/").pop() ?? ""}/signet-kms`
      : callerArn;
  };

  function resolveKey(keyId: unknown): AnyTestKmsKey {
    const id = typeof keyId === "string" ? keyId : "";
    if (!id)
      throw new KmsFault(
        "ValidationException",
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      );
    const arn = /^arn:aws:kms:([^:]+):(\d{12}):(key|alias)\/(.+)$/.exec(id);
    let key: AnyTestKmsKey | undefined;
    if (arn) {
      const [, arnRegion, arnAccount, type, rest = ""] = arn;
      if (arnRegion === region && arnAccount === accountId)
        key = type === "key" ? keys.get(rest) : aliases.get(`alias/${rest}`);
      if (!key && type === "alias") throw new KmsFault("NotFoundException", `Alias ${id} is not found.`);
    } else if (id.startsWith("alias/")) {
      key = aliases.get(id);
      if (!key) throw new KmsFault("NotFoundException", `Alias arn:aws:kms:${region}:${accountId}:${id} is not found.`);
    } else {
      key = keys.get(id);
    }
    if (!key || key.mode === "not_found") {
      throw new KmsFault(
        "NotFoundException",
        `Key '${arn ? id : `arn:aws:kms:${region}:${accountId}:key/${id}`}' does not exist`,
      );
    }
    return key;
  }

  function keyState(key: AnyTestKmsKey): string {
    return key.mode === "disabled" ? "Disabled" : key.mode === "pending_deletion" ? "PendingDeletion" : "Enabled";
  }

  function algorithmsField(key: AnyTestKmsKey): Record<string, string[]> {
    if (isSymmetricTestKmsKey(key)) return { EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"] };
    return key.usage === "SIGN_VERIFY"
      ? { SigningAlgorithms: signingAlgorithmsOf(key) }
      : { EncryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] };
  }

  function checkUsable(key: AnyTestKmsKey): void {
    if (key.mode === "disabled") throw new KmsFault("DisabledException", `${key.arn} is disabled.`);
    if (key.mode === "pending_deletion")
      throw new KmsFault("KMSInvalidStateException", `${key.arn} is pending deletion.`);
  }

  async function kmsOperation(
    operation: string,
    body: Record<string, unknown>,
    accessKeyId: string | undefined,
  ): Promise<unknown> {
    if (!OPERATIONS.includes(operation)) {
      throw new KmsFault("UnknownOperationException", `The test KMS does not implement ${operation}.`);
    }
    // Decrypt may omit KeyId: KMS finds the key from the ciphertext.
    const key =
      operation === "Decrypt" && body.KeyId === undefined
        ? resolveKey(ciphertextKeyId(blob(body.CiphertextBlob)))
        : resolveKey(body.KeyId);
    if (key.mode === "slow") await sleep(key.delayMs);
    if (key.mode === "throttled" && key.throttleRemaining > 0) {
      key.throttleRemaining--;
      throw new KmsFault("ThrottlingException", "Rate exceeded");
    }
    if (key.mode === "access_denied" || (key.mode === "sign_denied" && operation === "Sign")) {
      throw new KmsFault(
        "AccessDeniedException",
        `User: ${principalOf(accessKeyId)} is not authorized to perform: kms:${operation} on resource: ${key.arn} because no identity-based policy allows the kms:${operation} action`,
      );
    }
    if (operation === "DescribeKey") {
      const state = keyState(key);
      return {
        KeyMetadata: {
          AWSAccountId: accountId,
          KeyId: key.keyId,
          Arn: key.arn,
          CreationDate: epochSeconds(key.createdAt),
          Enabled: state === "Enabled",
          Description: key.description,
          KeyUsage: key.usage,
          KeyState: state,
          Origin: "AWS_KMS",
          KeyManager: "CUSTOMER",
          CustomerMasterKeySpec: key.spec,
          KeySpec: key.spec,
          MultiRegion: false,
          ...algorithmsField(key),
          ...(key.deletionDate && state === "PendingDeletion"
            ? { DeletionDate: epochSeconds(key.deletionDate), PendingDeletionWindowInDays: 7 }
            : {}),
        },
      };
    }
    checkUsable(key);
    if (operation === "GenerateDataKey" || operation === "Encrypt" || operation === "Decrypt")
      return symmetricOperation(operation, key, body);
    if (operation === "GetPublicKey") {
      if (isSymmetricTestKmsKey(key)) {
        throw new KmsFault(
          "InvalidKeyUsageException",
          `${key.arn} key usage is ${key.usage} and key spec ${key.spec}, which is not valid for GetPublicKey.`,
        );
      }
      return {
        KeyId: key.arn,
        PublicKey: b64(key.spki),
        CustomerMasterKeySpec: key.spec,
        KeySpec: key.spec,
        KeyUsage: key.usage,
        ...algorithmsField(key),
      };
    }
    const algorithm = typeof body.SigningAlgorithm === "string" ? body.SigningAlgorithm : "";
    const message =
      typeof body.Message === "string" ? new Uint8Array(Buffer.from(body.Message, "base64")) : new Uint8Array();
    const messageType = typeof body.MessageType === "string" ? body.MessageType : "RAW";
    let signer = key;
    if (key.mode === "wrong_signature" && !isSymmetricTestKmsKey(key)) {
      key.impostor ??= createTestKmsKey({ spec: key.spec, region, accountId });
      signer = key.impostor;
    }
    const signature = kmsSign(signer, algorithm, messageType, message);
    return { KeyId: key.arn, Signature: b64(signature), SigningAlgorithm: algorithm };
  }

  function symmetricOperation(
    operation: "GenerateDataKey" | "Encrypt" | "Decrypt",
    key: AnyTestKmsKey,
    body: Record<string, unknown>,
  ): unknown {
    const context = encryptionContext(body.EncryptionContext);
    const algorithm = optionalString(body.EncryptionAlgorithm);
    if (operation === "GenerateDataKey") {
      const numberOfBytes =
        body.NumberOfBytes === undefined
          ? undefined
          : typeof body.NumberOfBytes === "number"
            ? body.NumberOfBytes
            : Number.NaN;
      const { plaintext, ciphertext } = kmsGenerateDataKey(
        key,
        { keySpec: optionalString(body.KeySpec), numberOfBytes },
        context,
      );
      return { KeyId: key.arn, Plaintext: b64(plaintext), CiphertextBlob: b64(ciphertext) };
    }
    if (operation === "Encrypt") {
      return {
        KeyId: key.arn,
        CiphertextBlob: b64(kmsEncrypt(key, blob(body.Plaintext), context, algorithm)),
        EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      };
    }
    return {
      KeyId: key.arn,
      Plaintext: b64(kmsDecrypt(key, blob(body.CiphertextBlob), context, algorithm)),
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    };
  }

  function send(res: ServerResponse, status: number, contentType: string, body: string): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      "content-type": contentType,
      "x-amzn-requestid": randomUUID(),
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = req.headers["x-amz-target"];
    const isKms = typeof target === "string" && target.startsWith("TrentService.");
    const service = isKms ? "kms" : "sts";
    const record: RecordedKmsRequest = { service, operation: "", headers: req.headers, body: {} };
    requests.push(record);
    const text = Buffer.from(raw).toString("utf8");

    if (!isKms) {
      const form = new URLSearchParams(text);
      record.operation = form.get("Action") ?? "";
      record.body = Object.fromEntries(form);
      const auth = verifySigV4({
        method: req.method ?? "",
        path: req.url ?? "/",
        headers: req.headers,
        body: raw,
        region,
        service: "sts",
        lookup: lookupCredential,
      });
      const answer = auth.ok
        ? assumeRole(form, roles, principalOf(auth.authorization.accessKeyId))
        : stsError(403, auth.error.replace(/Exception$/, ""), auth.message);
      if (auth.ok) record.accessKeyId = auth.authorization.accessKeyId;
      if (answer.issued) issued.push(answer.issued);
      if (answer.status !== 200) record.error = /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1];
      return send(res, answer.status, "text/xml", answer.body);
    }

    record.operation = target.slice("TrentService.".length);
    const fail = (fault: KmsFault): void => {
      record.error = fault.type;
      send(res, fault.status, JSON_TYPE, JSON.stringify({ __type: fault.type, message: fault.message }));
    };
    if (
      req.method !== "POST" ||
      (req.url ?? "/") !== "/" ||
      !String(req.headers["content-type"] ?? "").startsWith(JSON_TYPE)
    ) {
      return fail(
        new KmsFault("SerializationException", "Expected POST / with Content-Type application/x-amz-json-1.1."),
      );
    }
    const auth = verifySigV4({
      method: "POST",
      path: req.url ?? "/",
      headers: req.headers,
      body: raw,
      region,
      service: "kms",
      lookup: lookupCredential,
    });
    if (!auth.ok) return fail(new KmsFault(auth.error, auth.message));
    record.accessKeyId = auth.authorization.accessKeyId;
    try {
      const parsed: unknown = JSON.parse(text || "{}");
      record.body = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return fail(new KmsFault("SerializationException", "The request body is not JSON."));
    }
    try {
      const output = await kmsOperation(record.operation, record.body, record.accessKeyId);
      send(res, 200, JSON_TYPE, JSON.stringify(output));
    } catch (error) {
      if (error instanceof KmsFault) return fail(error);
      fail(new KmsFault("KMSInternalException", error instanceof Error ? error.message : String(error), 500));
    }
  }

  function createKey(spec: "SYMMETRIC_DEFAULT", keyOptions?: TestKmsKeyOptions): SymmetricTestKmsKey;
  function createKey(spec: TestKmsKeySpec, keyOptions?: TestKmsKeyOptions): TestKmsKey;
  function createKey(spec: AnyTestKmsKeySpec, keyOptions?: TestKmsKeyOptions): AnyTestKmsKey;
  function createKey(spec: AnyTestKmsKeySpec, keyOptions: TestKmsKeyOptions = {}): AnyTestKmsKey {
    const key = createTestKmsKey({
      spec,
      usage: keyOptions.usage,
      region,
      accountId,
      description: keyOptions.description,
    });
    keys.set(key.keyId, key);
    if (keyOptions.alias) {
      key.aliases.push(keyOptions.alias);
      aliases.set(keyOptions.alias, key);
    }
    return key;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      send(res, 500, JSON_TYPE, JSON.stringify({ __type: "KMSInternalException", message: "test server failure" })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId,
    credentials,
    callerArn,
    requests,
    issued,
    createKey,
    setMode(key, mode, modeOptions = {}) {
      key.mode = mode;
      if (modeOptions.delayMs !== undefined) key.delayMs = modeOptions.delayMs;
      key.throttleRemaining = modeOptions.throttleCount ?? Number.POSITIVE_INFINITY;
      key.deletionDate = mode === "pending_deletion" ? new Date(Date.now() + 7 * 24 * 3600_000) : undefined;
    },
    allowRole(role) {
      roles.set(role.roleArn, role);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
