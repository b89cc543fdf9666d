/**
 * The subject of a certificate request, as an org admin enters it in a form:
 * validated at the boundary (zod), then written as an X.501 Name.
 *
 * Upper bounds are RFC 5280's (ub-common-name 64, ub-locality-name 128, …).
 * Values are UTF8String, except those whose type fixes another syntax:
 * countryName and serialNumber are PrintableString, emailAddress is IA5String
 * (RFC 5280 Appendix A); CAs and linters reject other encodings for them.
 */
import { z } from "zod";
import { NAME_ATTRIBUTE, PRINTABLE_STRING, encodeName, type NameAttributeInput } from "@/lib/engine/pki/encode-name";
import { CsrSubjectError } from "@/lib/engine/enrolment/enrolment-errors";

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function text(label: string, max: number) {
  return z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `Use at most ${max} characters for the ${label}.`)
    .refine((value) => !CONTROL.test(value), `The ${label} must not contain control characters (line breaks, tabs…).`);
}

/** Forms send "" for a field left empty: that means absent. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );
}

export const csrSubjectSchema = z.object(
  {
    commonName: text("common name", 64),
    organisation: optional(text("organisation", 64)),
    organisationalUnit: optional(text("organisational unit", 64)),
    country: optional(
      z
        .string({ error: "Enter the country as a two-letter code, such as BE or GB." })
        .trim()
        .regex(/^[A-Za-z]{2}$/, "Enter the country as a two-letter code (ISO 3166), such as BE or GB.")
        .transform((value) => value.toUpperCase()),
    ),
    locality: optional(text("locality", 128)),
    state: optional(text("state or province", 128)),
    email: optional(
      z
        .string({ error: "Enter a valid email address." })
        .trim()
        .max(128, "Use at most 128 characters for the email address.")
        .pipe(
          z.email("Enter a valid email address (only ASCII characters can appear in a certificate's email address)."),
        ),
    ),
    serialNumber: optional(
      text("serial number", 64).refine(
        (value) => PRINTABLE_STRING.test(value),
        "The serial number may contain only letters A–Z, digits, spaces and ' ( ) + , - . / : = ?",
      ),
    ),
  },
  { error: "Enter the subject of the certificate request (at least a common name)." },
);

/** What the form sends: empty strings count as absent; unknown keys are dropped. */
export interface CsrSubjectInput {
  commonName: string;
  organisation?: string;
  organisationalUnit?: string;
  /** Two letters (ISO 3166-1 alpha-2), either case. */
  country?: string;
  locality?: string;
  state?: string;
  email?: string;
  /** e.g. a licence or registration number (PrintableString characters only). */
  serialNumber?: string;
}

/** A validated subject: trimmed, country in upper case, empty fields absent. */
export type CsrSubject = z.output<typeof csrSubjectSchema>;

/** Throws CsrSubjectError (code 'csr.invalid_subject', with the offending field) for the first problem found. */
export function parseCsrSubject(input: unknown): CsrSubject {
  const parsed = csrSubjectSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  throw new CsrSubjectError(issue?.message ?? "Check the certificate request's subject.", field);
}

/** The subject Name in DER, least specific attribute first (C, ST, L, O, OU, CN, serialNumber, emailAddress). */
export function encodeCsrSubject(subject: CsrSubject): Uint8Array {
  const attributes: (NameAttributeInput | undefined)[] = [
    subject.country === undefined
      ? undefined
      : { type: NAME_ATTRIBUTE.country, value: subject.country, encoding: "printable" },
    subject.state === undefined ? undefined : { type: NAME_ATTRIBUTE.state, value: subject.state, encoding: "utf8" },
    subject.locality === undefined
      ? undefined
      : { type: NAME_ATTRIBUTE.locality, value: subject.locality, encoding: "utf8" },
    subject.organisation === undefined
      ? undefined
      : { type: NAME_ATTRIBUTE.organisation, value: subject.organisation, encoding: "utf8" },
    subject.organisationalUnit === undefined
      ? undefined
      : { type: NAME_ATTRIBUTE.organisationalUnit, value: subject.organisationalUnit, encoding: "utf8" },
    { type: NAME_ATTRIBUTE.commonName, value: subject.commonName, encoding: "utf8" },
    subject.serialNumber === undefined
      ? undefined
      : { type: NAME_ATTRIBUTE.serialNumber, value: subject.serialNumber, encoding: "printable" },
    subject.email === undefined ? undefined : { type: NAME_ATTRIBUTE.email, value: subject.email, encoding: "ia5" },
  ];
  return encodeName(attributes.filter((a): a is NameAttributeInput => a !== undefined));
}
