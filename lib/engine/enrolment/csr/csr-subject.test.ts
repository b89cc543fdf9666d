import { describe, expect, it } from "vitest";
import { displayName } from "@/lib/engine/pki/distinguished-name";
import { CsrSubjectError } from "@/lib/engine/enrolment/enrolment-errors";
import { encodeCsrSubject, parseCsrSubject } from "@/lib/engine/enrolment/csr/csr-subject";

function problem(input: unknown): { field?: string; message: string; code: string } {
  try {
    parseCsrSubject(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CsrSubjectError);
    const e = error as CsrSubjectError;
    return { field: e.field, message: e.message, code: e.code };
  }
  throw new Error("expected a CsrSubjectError");
}

describe("parseCsrSubject", () => {
  it("trims, upper-cases the country and drops empty fields", () => {
    expect(
      parseCsrSubject({ commonName: "  Alice  ", country: "be", organisation: "", locality: "   ", extra: "ignored" }),
    ).toEqual({ commonName: "Alice", country: "BE" });
  });

  it("requires a common name", () => {
    expect(problem({})).toEqual({
      field: "commonName",
      message: "Enter the common name.",
      code: "csr.invalid_subject",
    });
    expect(problem({ commonName: "   " })).toMatchObject({ field: "commonName", message: "Enter the common name." });
    expect(problem(null)).toMatchObject({
      field: undefined,
      message: "Enter the subject of the certificate request (at least a common name).",
    });
  });

  it("enforces RFC 5280's upper bounds, field by field", () => {
    expect(problem({ commonName: "x".repeat(65) })).toMatchObject({
      field: "commonName",
      message: "Use at most 64 characters for the common name.",
    });
    expect(parseCsrSubject({ commonName: "x".repeat(64) }).commonName).toHaveLength(64);
    expect(problem({ commonName: "x", organisation: "o".repeat(65) })).toMatchObject({
      field: "organisation",
      message: "Use at most 64 characters for the organisation.",
    });
    expect(problem({ commonName: "x", organisationalUnit: "o".repeat(65) })).toMatchObject({
      field: "organisationalUnit",
    });
    expect(problem({ commonName: "x", locality: "l".repeat(129) })).toMatchObject({
      field: "locality",
      message: "Use at most 128 characters for the locality.",
    });
    expect(problem({ commonName: "x", state: "s".repeat(129) })).toMatchObject({
      field: "state",
      message: "Use at most 128 characters for the state or province.",
    });
    expect(problem({ commonName: "x", serialNumber: "1".repeat(65) })).toMatchObject({ field: "serialNumber" });
    expect(problem({ commonName: "x", email: `${"a".repeat(120)}@example.com` })).toMatchObject({
      field: "email",
      message: "Use at most 128 characters for the email address.",
    });
  });

  it("wants the country as two letters", () => {
    for (const country of ["BEL", "B", "B3", "Belgium", 32]) {
      expect(problem({ commonName: "x", country })).toMatchObject({
        field: "country",
        message: expect.stringMatching(/two-letter code/),
      });
    }
  });

  it("refuses control characters, a serial number outside PrintableString, and a bad email", () => {
    expect(problem({ commonName: "a\nb" })).toMatchObject({
      field: "commonName",
      message: expect.stringMatching(/control characters/),
    });
    expect(problem({ commonName: "x", organisation: "a\u0000b" })).toMatchObject({ field: "organisation" });
    expect(problem({ commonName: "x", serialNumber: "Nº 42" })).toMatchObject({
      field: "serialNumber",
      message: expect.stringMatching(/only letters A–Z, digits/),
    });
    expect(problem({ commonName: "x", serialNumber: "a_b" })).toMatchObject({ field: "serialNumber" });
    expect(parseCsrSubject({ commonName: "x", serialNumber: "LIC-42/7 (BE)" }).serialNumber).toBe("LIC-42/7 (BE)");
    expect(problem({ commonName: "x", email: "not an email" })).toMatchObject({
      field: "email",
      message: expect.stringMatching(/valid email address/),
    });
    expect(problem({ commonName: "x", email: "zoë@example.com" })).toMatchObject({
      field: "email",
      message: expect.stringMatching(/only ASCII/),
    });
    expect(problem({ commonName: 42 })).toMatchObject({ field: "commonName", message: "Enter the common name." });
  });

  it("keeps non-Latin names as they are", () => {
    expect(parseCsrSubject({ commonName: "Ђорђе 王 😀", organisation: "Åland Øy" })).toEqual({
      commonName: "Ђорђе 王 😀",
      organisation: "Åland Øy",
    });
  });
});

describe("encodeCsrSubject", () => {
  it("orders attributes from country to email, one per RDN", () => {
    const der = encodeCsrSubject(
      parseCsrSubject({
        commonName: "Alice",
        email: "a@example.com",
        country: "BE",
        organisation: "O",
        organisationalUnit: "OU",
        locality: "L",
        state: "S",
        serialNumber: "7",
      }),
    );
    expect(displayName(der)).toBe("emailAddress=a@example.com, serialNumber=7, CN=Alice, OU=OU, O=O, L=L, ST=S, C=BE");
  });
});
