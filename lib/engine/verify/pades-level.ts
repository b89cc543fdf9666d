/**
 * The PAdES baseline level of a signature (ETSI EN 319 142-1):
 *   B-B   the CMS has the PAdES attributes (lib/cms decides);
 *   B-T   plus a valid signature timestamp;
 *   B-LT  plus a /DSS, added in a revision after the signature, holding the chain's
 *         certificates and revocation data for each non-root certificate;
 *   B-LTA plus an intact document timestamp in or after that DSS revision.
 * The TSA's own chain is not required to be in the DSS here.
 */
import type { Certificate } from "@/lib/engine/pki/certificate";
import { revocationCoverage } from "@/lib/engine/verify/ltv/revocation-coverage";
import type { ValidationData } from "@/lib/engine/verify/ltv/validation-data";
import type { LaterRevisionReport, PadesReport } from "@/lib/engine/verify/verification-report";

export interface PadesInput {
  hint: "B-B" | "B-T" | "not PAdES";
  padesProblems: string[];
  /** The revisions after the signature. */
  laterRevisions: readonly LaterRevisionReport[];
  path: readonly Certificate[];
  validationData: ValidationData;
  anchors: readonly Certificate[];
  documentTimestamps: ReadonlyArray<{ revision?: number; intact: boolean }>;
}

export function padesLevel(input: PadesInput): PadesReport {
  const dssRevision = input.laterRevisions.find((r) => r.contents.includes("dss"))?.index;
  // Revocation data is reported whatever the level: the verdict uses it too.
  const coverage =
    dssRevision === undefined ? undefined : revocationCoverage(input.path, input.validationData, input.anchors);
  const ltv = coverage && {
    dssRevision,
    complete: coverage.complete,
    revocation: coverage.revocation,
    problems: [...input.validationData.problems, ...coverage.problems],
  };
  if (input.hint !== "B-T" || ltv === undefined)
    return withLtv({ level: input.hint, problems: input.padesProblems }, ltv);
  if (!ltv.complete) return { level: "B-T", problems: [...input.padesProblems, ...ltv.problems], ltv };
  const archived = input.documentTimestamps.some(
    (t) => t.intact && t.revision !== undefined && t.revision >= (dssRevision as number),
  );
  return { level: archived ? "B-LTA" : "B-LT", problems: input.padesProblems, ltv };
}

function withLtv(report: PadesReport, ltv: PadesReport["ltv"]): PadesReport {
  return ltv === undefined ? report : { ...report, ltv };
}
