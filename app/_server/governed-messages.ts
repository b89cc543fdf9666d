import type { GovernedAction } from "@/lib/approvals/governed-action";
import type { SubmitOutcome } from "@/lib/approvals/submit-action";

const DONE_MESSAGES: Record<GovernedAction["kind"], string> = {
  "certificate.activate": "Certificate activated: signers may now seal with it.",
  "certificate.rotate":
    "Rotated: the successor is active, the predecessor superseded. Documents it sealed keep verifying; nothing was re-signed.",
  "certificate.revoke":
    "Certificate revoked. Seals made before the effective time stay valid at the time they were made; it seals nothing more.",
  "key.destroy": "Key destroyed: it can never sign again. Its certificates stay, so every seal it made still verifies.",
  "member.roles": "Roles saved.",
  "org.approvals_required": "Approvals policy saved.",
};

/** What the person sees after submitting a governed action: done, or waiting for approvals. */
export function outcomeMessage(kind: GovernedAction["kind"], outcome: SubmitOutcome): string {
  if (outcome.status === "done") return DONE_MESSAGES[kind];
  const others =
    outcome.approvalsNeeded === 1
      ? "another administrator approves"
      : `${outcome.approvalsNeeded} other administrators approve`;
  return `Request sent: it is carried out when ${others} it on the Approvals page (before ${outcome.expiresAt.toUTCString()}).`;
}
