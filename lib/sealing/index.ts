/**
 * lib/sealing: sealing batches of uploaded documents for people. Step one checks a request
 * against the server's records and issues a step-up bound to its manifest; step two checks
 * everything again, consumes the step-up and seals each document, recording and auditing
 * each seal or failure on its own.
 */
export { prepareSeal, type PreparedSeal } from "@/lib/sealing/prepare-seal";
export {
  requestSeal,
  sealDocuments,
  type RequestedBatch,
  type BatchOutcome,
  type DocumentOutcome,
  type SealingDependencies,
} from "@/lib/sealing/seal-documents";
export { sealProgress, type SealProgress } from "@/lib/sealing/seal-progress";
export { sealRequestSchema, type SealRequest, type SealRequestInput } from "@/lib/sealing/seal-request";
export {
  listSealingCertificates,
  loadSealingCertificate,
  type SealingCertificateChoice,
} from "@/lib/sealing/sealing-certificates";
export { consumeSealStepUp, issueSealStepUp, type SealStepUp, type IssuedStepUp } from "@/lib/sealing/seal-step-up";
export { SealingError } from "@/lib/sealing/sealing-errors";
