import { createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type IssueOptions, type TestCertificate, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import {
  validateForEnrolment,
  type EnrolmentValidation,
  type EnrolmentValidationInput,
} from "@/lib/engine/enrolment/validation/validate-for-enrolment";

let pki: TestPki;
let intermediate: Certificate;
let root: Certificate;
let chain: Certificate[];
beforeAll(async () => {
  pki = await getTestPki();
  intermediate = parseCertificate(pki.intermediate.certDer);
  root = parseCertificate(pki.root.certDer);
  chain = [intermediate, root];
});

const DAY = 86_400_000;
const strict = { allowSelfSigned: false };
const caUsage = {
  keyUsage: "critical,keyCertSign,cRLSign",
  extendedKeyUsage: null,
  basicConstraints: "critical,CA:TRUE",
} as const;

/** The SubjectPublicKeyInfo of the test certificate's private key (also for keys Signet cannot sign with). */
async function spkiOf(issued: TestCertificate): Promise<Uint8Array> {
  return new Uint8Array(createPublicKey(issued.keyPem).export({ type: "spki", format: "der" }));
}

/** Issues a certificate and validates it for its own key with the standard chain (unless told otherwise). */
async function validate(
  options: Omit<IssueOptions, "name" | "key"> & Partial<Pick<IssueOptions, "key">>,
  input: Partial<EnrolmentValidationInput> = {},
): Promise<EnrolmentValidation> {
  const issued = await pki.issue({ name: "enrolment test", key: "ec256", ...options });
  return validateForEnrolment({
    leaf: parseCertificate(issued.certDer),
    chain,
    spki: await spkiOf(issued),
    now: new Date(),
    policy: strict,
    ...input,
  });
}

describe("validateForEnrolment", () => {
  it("accepts the standard signer certificate with its chain, and returns the path", async () => {
    const issued = await pki.leaf("rsa2048");
    const leaf = parseCertificate(issued.certDer);
    const result = validateForEnrolment({ leaf, chain, spki: await spkiOf(issued), now: new Date(), policy: strict });
    expect(result).toEqual({
      ok: true,
      failures: [],
      selfSigned: false,
      testing: false,
      path: [leaf, intermediate, root],
    });
  });

  it("the public key must be the pending key's", async () => {
    const issued = await pki.leaf("ec256");
    const other = await spkiOf(await pki.leaf("ec384"));
    const result = validateForEnrolment({
      leaf: parseCertificate(issued.certDer),
      chain,
      spki: other,
      now: new Date(),
      policy: strict,
    });
    expect(result.failures).toEqual([
      {
        code: "certificate.key_mismatch",
        message: `The certificate "${parseCertificate(issued.certDer).subject}" was not issued for this key.`,
      },
    ]);
  });

  it("the validity window: not yet valid, expired", async () => {
    const future = await validate({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    expect(future.failures).toEqual([
      {
        code: "certificate.not_yet_valid",
        message: expect.stringMatching(/^The certificate is not valid before \d{4}-/),
      },
    ]);
    const expired = await validate({
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    expect(expired.failures).toEqual([
      { code: "certificate.expired", message: expect.stringMatching(/^The certificate expired on \d{4}-/) },
    ]);
  });

  it("keyUsage: digitalSignature and nonRepudiation", async () => {
    expect((await validate({ keyUsage: "critical,digitalSignature" })).failures).toEqual([
      {
        code: "certificate.key_usage",
        message:
          "The certificate's key usage lacks nonRepudiation (contentCommitment), which document signatures need.",
      },
    ]);
    expect((await validate({ keyUsage: null })).failures).toEqual([
      {
        code: "certificate.key_usage",
        message: "The certificate has no key usage extension; it needs digitalSignature and nonRepudiation.",
      },
    ]);
  });

  it("extended key usage: absent or with emailProtection; documentSigning alone is named, with poppler/NSS", async () => {
    expect((await validate({ extendedKeyUsage: null })).ok).toBe(true);
    expect((await validate({ extendedKeyUsage: "1.3.6.1.5.5.7.3.36,emailProtection" })).ok).toBe(true);
    for (const documentSigning of ["1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.311.10.3.12"]) {
      expect((await validate({ extendedKeyUsage: documentSigning })).failures).toEqual([
        {
          code: "certificate.extended_key_usage",
          message:
            "The certificate's extended key usage is documentSigning without emailProtection: poppler and other NSS-based PDF readers refuse such a signer (they report “Unknown issue with Certificate”). Ask your CA for a certificate without extended key usage, or with emailProtection added (documentSigning may stay).",
        },
      ]);
    }
    expect((await validate({ extendedKeyUsage: "clientAuth" })).failures).toEqual([
      {
        code: "certificate.extended_key_usage",
        message: expect.stringMatching(
          /does not include emailProtection; PDF readers that use NSS \(poppler, Firefox\) reject such signers/,
        ),
      },
    ]);
  });

  it("key strength: RSA ≥ 2048, curves P-256/384/521", async () => {
    expect((await validate({ key: "rsa1024" })).failures).toEqual([
      { code: "certificate.weak_rsa_key", message: "The RSA key has 1024 bits; at least 2048 are required." },
    ]);
    expect((await validate({ key: "ec521" })).ok).toBe(true);
    expect((await validate({ key: "ed25519" })).failures).toEqual([
      {
        code: "certificate.unsupported_key",
        message: expect.stringMatching(/^Keys of type ed25519 are not supported/),
      },
    ]);
    expect((await validate({ key: "secp256k1" })).failures).toEqual([
      {
        code: "certificate.unsupported_curve",
        message: expect.stringMatching(/secp256k1 is not supported; use P-256, P-384 or P-521/),
      },
    ]);
  });

  it("no SHA-1 or MD5 in the chain: the leaf's and the intermediate's signatures count", async () => {
    expect((await validate({ digest: "sha1" })).failures).toEqual([
      {
        code: "certificate.weak_signature_algorithm",
        message: expect.stringMatching(/is signed with SHA-1, which is no longer accepted for signatures\.$/),
      },
    ]);
    const sha1Ca = await pki.issue({
      name: "SHA-1 Intermediate CA",
      key: "rsa2048",
      issuer: "root",
      digest: "sha1",
      ...caUsage,
    });
    const result = await validate({ issuer: sha1Ca }, { chain: [parseCertificate(sha1Ca.certDer), root] });
    expect(result.failures).toEqual([
      {
        code: "certificate.weak_signature_algorithm",
        message: `"${parseCertificate(sha1Ca.certDer).subject}" is signed with SHA-1, which is no longer accepted for signatures.`,
      },
    ]);
  });

  it("self-signed: refused without the testing policy; accepted and marked testing with it", async () => {
    const refused = await validate({ issuer: "self" }, { chain: [] });
    expect(refused).toMatchObject({ ok: false, selfSigned: true, testing: false });
    expect(refused.failures).toEqual([
      {
        code: "certificate.self_signed",
        message: expect.stringMatching(
          /self-signed\. Self-signed certificates are for testing only; turn on the testing policy/,
        ),
      },
    ]);
    const accepted = await validate({ issuer: "self" }, { chain: [], policy: { allowSelfSigned: true } });
    expect(accepted).toMatchObject({ ok: true, failures: [], selfSigned: true, testing: true });
    expect(accepted.path).toHaveLength(1);
    // a CA-issued certificate is never "testing", whatever the policy
    expect(await validate({}, { policy: { allowSelfSigned: true } })).toMatchObject({ ok: true, testing: false });
  });

  it("the chain must be complete: a missing intermediate or root is named", async () => {
    const missingIntermediate = await validate({}, { chain: [root] });
    expect(missingIntermediate.failures).toEqual([
      {
        code: "enrolment.chain_incomplete",
        message: `The certificate chain is incomplete: the certificate of the CA that issued “${missingIntermediate.path[0]!.subject}” (“${intermediate.subject}”) is missing. Upload the complete chain from your CA, intermediate certificates included, up to its root certificate.`,
      },
    ]);
    const missingRoot = await validate({}, { chain: [intermediate] });
    expect(missingRoot.failures).toEqual([
      {
        code: "enrolment.chain_incomplete",
        message: expect.stringContaining(
          `the certificate of the CA that issued “${intermediate.subject}” (“${root.subject}”) is missing`,
        ),
      },
    ]);
    expect((await validate({}, { chain: [] })).failures.map((f) => f.code)).toEqual(["enrolment.chain_incomplete"]);
  });

  it("the chain may end at the organisation's own CA instead of a self-signed root", async () => {
    expect(await validate({}, { chain: [intermediate], organisationCas: [root] })).toMatchObject({ ok: true });
    const atIntermediate = await validate({}, { chain: [], organisationCas: [intermediate] });
    expect(atIntermediate).toMatchObject({ ok: true, testing: false });
    expect(atIntermediate.path.map((c) => c.subject)).toEqual([atIntermediate.path[0]!.subject, intermediate.subject]);
    const otherCa = parseCertificate(
      (await pki.issue({ name: "Another Org CA", key: "ec256", issuer: "self", ...caUsage })).certDer,
    );
    expect((await validate({}, { chain: [], organisationCas: [otherCa] })).failures).toEqual([
      {
        code: "enrolment.chain_incomplete",
        message: expect.stringMatching(/up to its root certificate or your organisation's CA certificate\.$/),
      },
    ]);
  });

  it("every issuer on the path is a CA allowed to sign certificates", async () => {
    const notCa = await pki.issue({ name: "Not a CA", key: "ec256", issuer: "intermediate" });
    const underNotCa = await validate(
      { issuer: notCa },
      { chain: [parseCertificate(notCa.certDer), intermediate, root] },
    );
    expect(underNotCa.failures).toEqual([
      {
        code: "enrolment.chain_issuer_not_ca",
        message: `“${parseCertificate(notCa.certDer).subject}” issued “${underNotCa.path[0]!.subject}” but is not a certification authority (basicConstraints).`,
      },
    ]);
    const noCertSign = await pki.issue({
      name: "CA without keyCertSign",
      key: "ec256",
      issuer: "intermediate",
      ...caUsage,
      keyUsage: "critical,digitalSignature",
    });
    const underNoCertSign = await validate(
      { issuer: noCertSign },
      { chain: [parseCertificate(noCertSign.certDer), intermediate, root] },
    );
    expect(underNoCertSign.failures).toEqual([
      {
        code: "enrolment.chain_issuer_not_ca",
        message: expect.stringMatching(/but its key usage does not allow signing certificates\.$/),
      },
    ]);
  });

  it("the chain's CA certificates must be valid now", async () => {
    const expiredCa = await pki.issue({
      name: "Expired CA",
      key: "ec256",
      issuer: "root",
      ...caUsage,
      notBefore: new Date(Date.now() - 60 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const result = await validate({ issuer: expiredCa }, { chain: [parseCertificate(expiredCa.certDer), root] });
    expect(result.failures).toEqual([
      {
        code: "enrolment.chain_certificate_not_valid",
        message: expect.stringMatching(
          /^The CA certificate “.*Expired CA” expired on \d{4}-.*; signatures under it would not validate\. Ask your CA for its current chain\.$/,
        ),
      },
    ]);
    const futureCa = await pki.issue({
      name: "Future CA",
      key: "ec256",
      issuer: "root",
      ...caUsage,
      notBefore: new Date(Date.now() + DAY),
      notAfter: new Date(Date.now() + 60 * DAY),
    });
    expect(
      (await validate({ issuer: futureCa }, { chain: [parseCertificate(futureCa.certDer), root] })).failures,
    ).toEqual([
      {
        code: "enrolment.chain_certificate_not_valid",
        message: expect.stringMatching(/^The CA certificate “.*Future CA” is not valid before \d{4}-/),
      },
    ]);
  });

  it("reports every failure at once", async () => {
    const result = await validate(
      {
        key: "rsa1024",
        keyUsage: "digitalSignature",
        extendedKeyUsage: "1.3.6.1.5.5.7.3.36",
        digest: "sha1",
        notAfter: new Date(Date.now() - 1000),
        notBefore: new Date(Date.now() - DAY),
      },
      { chain: [root] },
    );
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.code).sort()).toEqual(
      [
        "certificate.expired",
        "certificate.extended_key_usage",
        "certificate.key_usage",
        "certificate.weak_rsa_key",
        "certificate.weak_signature_algorithm",
        "enrolment.chain_incomplete",
      ].sort(),
    );
    expect(JSON.parse(JSON.stringify(result.failures))).toEqual(result.failures);
  });
});
