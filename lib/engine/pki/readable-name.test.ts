import { describe, expect, it } from "vitest";
import { displayName } from "@/lib/engine/pki/distinguished-name";
import { encodeName, NAME_ATTRIBUTE } from "@/lib/engine/pki/encode-name";
import { commonNameOf, nameDetails, parseDistinguishedName, readableName } from "@/lib/engine/pki/readable-name";

describe("parseDistinguishedName (RFC 4514 text)", () => {
  it("reads escaped commas, plus signs, quotes, backslashes and the other specials", () => {
    expect(parseDistinguishedName("CN=Nadia Newcomer\\, P.Eng., O=Newcomer \\+ Partners, C=CA")).toEqual([
      { type: "CN", label: "Common name", value: "Nadia Newcomer, P.Eng." },
      { type: "O", label: "Organisation", value: "Newcomer + Partners" },
      { type: "C", label: "Country", value: "CA" },
    ]);
    expect(parseDistinguishedName('CN=The \\"Best\\" \\\\ \\<Seal\\> \\; \\=x')?.[0]?.value).toBe(
      'The "Best" \\ <Seal> ; =x',
    );
  });

  it("reads hex escapes, alone (\\2C) and as UTF-8 sequences, and keeps UTF-8 text as it is", () => {
    expect(parseDistinguishedName("CN=Nadia Newcomer\\2C P.Eng.")?.[0]?.value).toBe("Nadia Newcomer, P.Eng.");
    expect(parseDistinguishedName("CN=Br\\C3\\BCcke\\E6\\A9\\8B")?.[0]?.value).toBe("Brücke橋");
    expect(parseDistinguishedName("CN=Brücke 橋 \u{1F309}, O=Société Générale")?.map((p) => p.value)).toEqual([
      "Brücke 橋 \u{1F309}",
      "Société Générale",
    ]);
  });

  it("reads multi-valued RDNs, leading and trailing escaped spaces, '#' values and OIDs", () => {
    expect(parseDistinguishedName("CN=Ann+serialNumber=PEO 1,O=X")?.map((p) => [p.type, p.value])).toEqual([
      ["CN", "Ann"],
      ["serialNumber", "PEO 1"],
      ["O", "X"],
    ]);
    expect(parseDistinguishedName("CN=\\ padded\\ ")?.[0]?.value).toBe(" padded ");
    expect(parseDistinguishedName("CN=\\#1 firm")?.[0]?.value).toBe("#1 firm");
    // A BER-encoded value: UTF8String "Zoë".
    expect(parseDistinguishedName("2.5.4.3=#0C045A6FC3AB")?.[0]).toEqual({
      type: "2.5.4.3",
      label: "Common name",
      value: "Zoë",
    });
    expect(parseDistinguishedName("1.2.3.4=#0401FF")?.[0]).toEqual({
      type: "1.2.3.4",
      label: "1.2.3.4",
      value: "#0401FF",
    });
    expect(parseDistinguishedName("")).toEqual([]);
  });

  it("refuses what is not a distinguished name", () => {
    expect(parseDistinguishedName("just some words")).toBeUndefined();
    expect(parseDistinguishedName("CN=dangling\\")).toBeUndefined();
    expect(parseDistinguishedName("CN=bad\\zzescape")).toBeUndefined();
    expect(parseDistinguishedName("=no type")).toBeUndefined();
  });

  it("reads back every name Signet writes, whatever its characters", () => {
    const values = [
      "Nadia Newcomer, P.Eng.",
      'A "quoted" + plus; <angle> \\ back',
      "#hash first",
      " spaced ",
      "Zoë 橋 \u{1F309}",
      "a=b",
    ];
    for (const value of values) {
      const der = encodeName([
        { type: NAME_ATTRIBUTE.country, value: "CA", encoding: "printable" },
        { type: NAME_ATTRIBUTE.organisation, value, encoding: "utf8" },
        { type: NAME_ATTRIBUTE.commonName, value, encoding: "utf8" },
      ]);
      const text = displayName(der);
      expect(parseDistinguishedName(text), text).toEqual([
        { type: "CN", label: "Common name", value },
        { type: "O", label: "Organisation", value },
        { type: "C", label: "Country", value: "CA" },
      ]);
    }
  });
});

describe("names for people", () => {
  const dn = "CN=Nadia Newcomer\\, P.Eng., O=Newcomer \\+ Partners, C=CA";

  it("shows the common name, unescaped", () => {
    expect(readableName(dn)).toBe("Nadia Newcomer, P.Eng.");
    expect(commonNameOf(dn)).toBe("Nadia Newcomer, P.Eng.");
  });

  it("falls back to the organisation, then to the whole name, never to escapes", () => {
    expect(readableName("O=Newcomer \\+ Partners, C=CA")).toBe("Newcomer + Partners");
    expect(commonNameOf("O=Newcomer \\+ Partners, C=CA")).toBeUndefined();
    expect(readableName("OU=Bridges\\, Tunnels, C=CA")).toBe("Organisational unit: Bridges, Tunnels · Country: CA");
    expect(readableName("not a name")).toBe("not a name");
  });

  it("gives every attribute with a label in the details", () => {
    expect(nameDetails(dn)).toBe(
      "Common name: Nadia Newcomer, P.Eng. · Organisation: Newcomer + Partners · Country: CA",
    );
    expect(
      nameDetails("CN=Ann, serialNumber=PEO 100123, emailAddress=ann@example.com, L=Ottawa, ST=Ontario, OU=Bridges"),
    ).toBe(
      "Common name: Ann · Serial number: PEO 100123 · Email: ann@example.com · Locality: Ottawa · State or province: Ontario · Organisational unit: Bridges",
    );
    expect(nameDetails(dn)).not.toContain("\\");
    // The common name leads, whatever order the certificate authority wrote the attributes in.
    expect(nameDetails("serialNumber=PEO 100123, CN=Olivia Owner\\, P.Eng., O=Acme, C=CA")).toBe(
      "Common name: Olivia Owner, P.Eng. · Serial number: PEO 100123 · Organisation: Acme · Country: CA",
    );
  });
});
