import { z } from "zod";
import { Role } from "@/lib/access/roles";
import { destroyKeySchema } from "@/lib/lifecycle/destroy-key";
import { revokeCertificateSchema } from "@/lib/lifecycle/revoke-certificate";
import { rotateCertificateSchema } from "@/lib/lifecycle/rotate-certificate";

export const MAX_APPROVALS_REQUIRED = 10;

/**
 * The actions dual control governs, with their parameters exactly as they will be executed.
 * Stored as ApprovalRequest.params while they wait.
 */
export const governedActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("certificate.activate"), certificateId: z.string().uuid("Choose a certificate.") }),
  rotateCertificateSchema.extend({ kind: z.literal("certificate.rotate") }),
  revokeCertificateSchema.extend({ kind: z.literal("certificate.revoke") }),
  destroyKeySchema.extend({ kind: z.literal("key.destroy") }),
  z.object({
    kind: z.literal("member.roles"),
    membershipId: z.string().uuid("Choose a member."),
    roles: z.array(z.enum(Role)).min(1, "Choose at least one role."),
  }),
  z.object({
    kind: z.literal("org.approvals_required"),
    approvalsRequired: z.coerce
      .number()
      .int()
      .min(1, "At least 1 (dual control off).")
      .max(MAX_APPROVALS_REQUIRED, `At most ${MAX_APPROVALS_REQUIRED}.`),
  }),
]);

export type GovernedAction = z.infer<typeof governedActionSchema>;
export type GovernedKind = GovernedAction["kind"];

export const GOVERNED_KIND_LABELS: Record<GovernedKind, string> = {
  "certificate.activate": "Activate a certificate",
  "certificate.rotate": "Rotate a certificate",
  "certificate.revoke": "Revoke a certificate",
  "key.destroy": "Destroy a key",
  "member.roles": "Grant administration or signing",
  "org.approvals_required": "Lower the approvals required",
};
