import { describe, expect, it } from "vitest";
import { generateKeyPairSync, sign } from "node:crypto";
import { readChildren, readSingle, toHex } from "@/lib/engine/asn1/der";
import { certificationRequest, certificationRequestInfo, certificationRequestPem } from "@/lib/engine/pki/csr";
import { NAME_ATTRIBUTE, encodeName } from "@/lib/engine/pki/encode-name";
import {
  emailSubjectAltNameExtension,
  extendedKeyUsageExtension,
  keyUsageExtension,
} from "@/lib/engine/pki/encode-extensions";
import { OID } from "@/lib/engine/asn1/oids";
import { displayName } from "@/lib/engine/pki/distinguished-name";
import { oid, sequence } from "@/lib/engine/asn1/der";

const hex = (bytes: Uint8Array) => toHex(bytes);

describe("X.509 extension encoders", () => {
  it("keyUsage drops trailing zero bits (DER named bit list)", () => {
    // digitalSignature + nonRepudiation: 03 02 06 c0, critical
    expect(hex(keyUsageExtension({ digitalSignature: true, nonRepudiation: true }))).toBe(
      "300e0603551d0f0101ff0404030206c0",
    );
    expect(hex(keyUsageExtension({ digitalSignature: true }, false))).toBe("300b0603551d0f040403020780");
    expect(hex(keyUsageExtension({ keyCertSign: true, cRLSign: true }))).toBe("300e0603551d0f0101ff040403020106");
    expect(hex(keyUsageExtension({}))).toBe("300d0603551d0f0101ff0403030100");
  });

  it("extendedKeyUsage and an email subjectAltName", () => {
    expect(hex(extendedKeyUsageExtension([OID.emailProtection]))).toBe("30130603551d25040c300a06082b06010505070304");
    expect(hex(emailSubjectAltNameExtension(["a@b.c"]))).toBe("30100603551d11040930078105" + "6140622e63");
  });
});

describe("encodeName", () => {
  it("writes one attribute per RDN with the chosen string type, and refuses what the type cannot hold", () => {
    const name = encodeName([
      { type: NAME_ATTRIBUTE.country, value: "BE", encoding: "printable" },
      { type: NAME_ATTRIBUTE.commonName, value: "Zoë", encoding: "utf8" },
      { type: NAME_ATTRIBUTE.email, value: "z@example.com", encoding: "ia5" },
    ]);
    expect(displayName(name)).toBe("emailAddress=z@example.com, CN=Zoë, C=BE");
    const rdns = readChildren(readSingle(name));
    expect(rdns.map((rdn) => readChildren(readChildren(rdn)[0]!)[1]!.tag)).toEqual([0x13, 0x0c, 0x16]);
    expect(() => encodeName([{ type: NAME_ATTRIBUTE.country, value: "B_", encoding: "printable" }])).toThrow(
      expect.objectContaining({ code: "der.malformed" }),
    );
    expect(() => encodeName([{ type: NAME_ATTRIBUTE.email, value: "zoë@example.com", encoding: "ia5" }])).toThrow(
      expect.objectContaining({ code: "der.malformed" }),
    );
    expect(() => encodeName([{ type: NAME_ATTRIBUTE.commonName, value: "\uD800", encoding: "utf8" }])).toThrow(
      expect.objectContaining({ code: "der.malformed" }),
    );
  });
});

describe("certificationRequestInfo / certificationRequest", () => {
  it("version 0, subject, key, and [0] attributes (empty when no extension is requested)", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const subject = encodeName([{ type: NAME_ATTRIBUTE.commonName, value: "x", encoding: "utf8" }]);
    const bare = readChildren(readSingle(certificationRequestInfo({ subject, spki })));
    expect(bare.map((f) => f.tag)).toEqual([0x02, 0x30, 0x30, 0xa0]);
    expect(hex(bare[0]!.der)).toBe("020100");
    expect(hex(bare[3]!.der)).toBe("a000");

    const info = certificationRequestInfo({
      subject,
      spki,
      extensions: [keyUsageExtension({ digitalSignature: true, nonRepudiation: true })],
    });
    const attributes = readChildren(readChildren(readSingle(info))[3]!);
    expect(attributes).toHaveLength(1);
    expect(hex(readChildren(attributes[0]!)[0]!.der)).toBe("06092a864886f70d01090e"); // extensionRequest

    const signature = new Uint8Array(sign("sha256", info, { key: privateKey, dsaEncoding: "der" }));
    const request = certificationRequest(info, sequence(oid(OID.ecdsaWithSHA256)), signature);
    const [infoEl, algorithm, bits] = readChildren(readSingle(request));
    expect(infoEl!.der).toEqual(info);
    expect(hex(algorithm!.der)).toBe("300a06082a8648ce3d040302");
    expect(bits!.content[0]).toBe(0);
    expect(bits!.content.subarray(1)).toEqual(signature);
    expect(certificationRequestPem(request)).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
  });
});
