/** Every kind of audited event. Names are stable: they are part of the hashed record. */
export const AUDIT_ACTIONS = [
  "org.setup",
  "org.created",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "invitation.created",
  "invitation.revoked",
  "invitation.accepted",
  "member.roles_changed",
  "member.removed",
  "key.generated",
  "key.imported",
  "key.registered",
  "key.registration_failed",
  "key.backend_error",
  "csr.created",
  "certificate.uploaded",
  "certificate.rejected",
  "certificate.activated",
  "certificate.rotated",
  "certificate.revoked",
  "certificate.sealers_changed",
  "key.destroyed",
  "approval.requested",
  "approval.approved",
  "approval.rejected",
  "approval.cancelled",
  "approval.expired",
  "approval.failed",
  "audit.exported",
  "audit.checkpoint_signed",
  "siem.changed",
  "master_key.rewrapped",
  "org.policy_changed",
  "org.policy_overridden",
  "passkey.registered",
  "passkey.removed",
  "totp.enabled",
  "totp.disabled",
  "recovery_codes.generated",
  "document.uploaded",
  "document.rejected",
  "step_up.issued",
  "seal.created",
  "seal.failed",
  "seal.refused",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const PLATFORM_CHAIN = "platform";

export function chainIdFor(orgId: string | null): string {
  return orgId === null ? PLATFORM_CHAIN : `org:${orgId}`;
}
