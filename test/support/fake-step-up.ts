import { randomUUID } from "node:crypto";
import { appendAudit } from "@/lib/audit/append-audit";
import { sealManifestHash } from "@/lib/sealing/seal-manifest";
import { SignetError } from "@/lib/engine/errors";
import type { SealStepUp } from "@/lib/sealing/seal-step-up";

/**
 * Tests only: a step-up with lib/sealing's SealStepUp contract and its essential rules (bound to
 * the manifest's hash and the user, single-use), without WebAuthn. A refusal is audited, as
 * the real one does.
 */
export class FakeStepUp implements SealStepUp {
  readonly challenges = new Map<string, { manifestHash: string; userId: string; orgId: string; consumed: boolean }>();
  issued = 0;
  consumed = 0;

  async issue(...[, ctx, manifest]: Parameters<SealStepUp["issue"]>): ReturnType<SealStepUp["issue"]> {
    this.issued += 1;
    const challengeId = randomUUID();
    this.challenges.set(challengeId, {
      manifestHash: sealManifestHash(manifest),
      userId: ctx.userId,
      orgId: ctx.orgId,
      consumed: false,
    });
    return {
      challengeId,
      webauthn: {
        challenge: "ZmFrZQ",
        rpId: "localhost",
        allowCredentials: [],
        userVerification: "required",
        timeout: 300_000,
      },
      totpAllowed: true,
    };
  }

  async consume(...[db, ctx, input, request]: Parameters<SealStepUp["consume"]>): ReturnType<SealStepUp["consume"]> {
    const challenge = this.challenges.get(input.challengeId);
    let reason: string | null = null;
    if (challenge === undefined) reason = "unknown challenge";
    else if (challenge.consumed) reason = "challenge already used";
    else if (challenge.userId !== ctx.userId || challenge.orgId !== ctx.orgId) reason = "challenge of another user";
    else if (challenge.manifestHash !== sealManifestHash(input.manifest))
      reason = "challenge bound to another manifest";
    else if (input.response.kind === "totp" && input.response.code !== "123456") reason = "wrong code";
    if (reason !== null || challenge === undefined) {
      await db.$transaction((tx) =>
        appendAudit(tx, {
          orgId: ctx.orgId,
          actorId: ctx.userId,
          action: "seal.refused",
          data: { stage: "step-up", reason },
          request,
        }),
      );
      throw new SignetError("step_up.refused", `The confirmation was refused (${reason}). Nothing was sealed.`, {
        status: 403,
      });
    }
    challenge.consumed = true;
    this.consumed += 1;
    return input.response.kind === "webauthn"
      ? { method: "webauthn", credentialId: input.response.assertion.id }
      : { method: "totp", credentialId: null };
  }
}
