import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode } from "@/lib/auth/totp/base32";
import { hotp, matchTotp, normaliseTotpCode, totpAt, totpStep } from "@/lib/auth/totp/totp";

const ascii = (s: string) => new Uint8Array(Buffer.from(s, "ascii"));

describe("HOTP (RFC 4226, appendix D)", () => {
  it("gives the published values for counters 0–9", () => {
    const secret = ascii("12345678901234567890");
    const expected = [
      "755224",
      "287082",
      "359152",
      "969429",
      "338314",
      "254676",
      "287922",
      "162583",
      "399871",
      "520489",
    ];
    expect(expected.map((_, counter) => hotp(secret, counter))).toEqual(expected);
  });
});

describe("TOTP (RFC 6238, appendix B)", () => {
  // The RFC's seeds are the ASCII digits repeated to the hash's block size (20, 32, 64 bytes).
  const seeds = {
    sha1: ascii("12345678901234567890"),
    sha256: ascii("12345678901234567890123456789012"),
    sha512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  it.each(vectors)("at %i s", (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(totpAt(seeds.sha1, at, { digits: 8, algorithm: "sha1" })).toBe(sha1);
    expect(totpAt(seeds.sha256, at, { digits: 8, algorithm: "sha256" })).toBe(sha256);
    expect(totpAt(seeds.sha512, at, { digits: 8, algorithm: "sha512" })).toBe(sha512);
  });

  it("Signet's profile is the 6-digit SHA-1 code: the last six digits of the RFC's", () => {
    expect(totpAt(seeds.sha1, 59_000)).toBe("287082");
    expect(totpAt(seeds.sha1, 1111111109_000)).toBe("081804");
  });
});

describe("matchTotp", () => {
  const secret = ascii("12345678901234567890");
  const now = 1_700_000_000_000;
  const step = totpStep(now);
  const codeAt = (s: number) => hotp(secret, s);

  it("accepts the current step and one step either side, and nothing further", () => {
    expect(matchTotp(secret, codeAt(step), now, null)).toBe(step);
    expect(matchTotp(secret, codeAt(step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(secret, codeAt(step + 1), now, null)).toBe(step + 1);
    expect(matchTotp(secret, codeAt(step - 2), now, null)).toBeNull();
    expect(matchTotp(secret, codeAt(step + 2), now, null)).toBeNull();
  });

  it("refuses a step already used, and any earlier one", () => {
    expect(matchTotp(secret, codeAt(step), now, step)).toBeNull();
    expect(matchTotp(secret, codeAt(step - 1), now, step)).toBeNull();
    expect(matchTotp(secret, codeAt(step + 1), now, step)).toBe(step + 1);
  });

  it("reads codes typed with spaces and refuses malformed ones", () => {
    const code = codeAt(step);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toBe(step);
    expect(normaliseTotpCode("12345")).toBeNull();
    expect(normaliseTotpCode("1234567")).toBeNull();
    expect(normaliseTotpCode("12a456")).toBeNull();
    expect(matchTotp(secret, "", now, null)).toBeNull();
  });
});

describe("base32 (RFC 4648 §10)", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("%s ↔ %s", (plain, encoded) => {
    expect(base32Encode(ascii(plain))).toBe(encoded);
    expect(Buffer.from(base32Decode(encoded)).toString("ascii")).toBe(plain);
    expect(Buffer.from(base32Decode(`${encoded.toLowerCase()}====`)).toString("ascii")).toBe(plain);
  });

  it("refuses characters outside the alphabet", () => {
    expect(() => base32Decode("MZXW1")).toThrow();
  });
});
