import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { contextConstructed, derNull, octetString, oid, sequence, smallInteger, tlv } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import { opensslPkcs12 } from "@/test/support/openssl-csr";
import { MAX_PKCS12_ITERATIONS, checkPkcs12Limits } from "@/lib/engine/enrolment/pkcs12/pkcs12-limits";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** A PFX with an empty AuthenticatedSafe and the given MAC iteration INTEGER. */
function pfxWithMacIterations(iterations: Uint8Array): Uint8Array {
  const authSafe = sequence(oid(OID.data), contextConstructed(0, octetString(sequence())));
  const macData = sequence(
    sequence(sequence(oid(OID.sha256), derNull()), octetString(new Uint8Array(32))),
    octetString(new Uint8Array(8)),
    iterations,
  );
  return sequence(smallInteger(3), authSafe, macData);
}

describe("checkPkcs12Limits", () => {
  it("reads the iteration counts of OpenSSL's files and lets them through", async () => {
    const leaf = await pki.leaf("ec256");
    for (const extra of [[], ["-legacy"], ["-keypbe", "NONE"]]) {
      const overview = checkPkcs12Limits(await opensslPkcs12(pki, leaf, "x", extra));
      expect(overview.macIterations).toBe(2048);
      expect(overview.keyBags).toHaveLength(1);
      expect(overview.keyBags[0]?.shrouded).toBe(extra[1] !== "NONE");
    }
  });

  it("refuses a file whose encryption asks for more iterations than the ceiling", async () => {
    const heavy = await opensslPkcs12(pki, await pki.leaf("ec256"), "x", ["-iter", String(MAX_PKCS12_ITERATIONS + 1)]);
    expect(() => checkPkcs12Limits(heavy)).toThrow(
      expect.objectContaining({
        name: "Pkcs12ImportError",
        code: "pkcs12.excessive_iterations",
        message:
          "The PKCS#12 file asks for 600,001 password iterations; Signet accepts at most 600,000. Export the file again with default settings.",
      }),
    );
  });

  it("refuses an absurd MAC iteration count, and accepts the DEFAULT of 1", () => {
    expect(() => checkPkcs12Limits(pfxWithMacIterations(tlv(0x02, Uint8Array.of(0x7f, 0xff, 0xff, 0xff))))).toThrow(
      expect.objectContaining({
        code: "pkcs12.excessive_iterations",
        message: expect.stringContaining("2,147,483,647"),
      }),
    );
    expect(() => checkPkcs12Limits(pfxWithMacIterations(tlv(0x02, new Uint8Array(9).fill(0x7f))))).toThrow(
      expect.objectContaining({ message: expect.stringContaining("an absurd number of password iterations") }),
    );
    const withoutCount = sequence(
      smallInteger(3),
      sequence(oid(OID.data), contextConstructed(0, octetString(sequence()))),
      sequence(
        sequence(sequence(oid(OID.sha1), derNull()), octetString(new Uint8Array(20))),
        octetString(new Uint8Array(8)),
      ),
    );
    expect(checkPkcs12Limits(withoutCount).macIterations).toBe(1);
  });

  it("refuses a file that is not a PFX, or too large", () => {
    expect(() => checkPkcs12Limits(Uint8Array.of(1, 2, 3))).toThrow(
      expect.objectContaining({ name: "KeyError", code: "pkcs12.unreadable" }),
    );
    expect(() => checkPkcs12Limits(sequence(smallInteger(3), sequence(oid(OID.signedData))))).toThrow(
      expect.objectContaining({ code: "pkcs12.unreadable" }),
    );
    expect(() => checkPkcs12Limits(new Uint8Array(256 * 1024 + 1))).toThrow(
      expect.objectContaining({
        code: "pkcs12.too_large",
        message: "The file is too large for a PKCS#12 key and certificate (262145 bytes; at most 262144).",
      }),
    );
  });
});
