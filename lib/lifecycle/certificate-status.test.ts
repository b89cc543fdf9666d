import { describe, expect, it } from "vitest";
import { certificateStatusAt } from "@/lib/lifecycle/certificate-status";
import type { CertificateEvent } from "@/lib/lifecycle/certificate-timeline";

const validity = { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z") };
const event = (action: string, at: string, data: CertificateEvent["data"] = {}): CertificateEvent => ({
  seq: 0,
  at: new Date(at),
  action,
  actorId: null,
  data,
});
const at = (iso: string) => new Date(iso);

describe("certificate status replayed from the audit timeline", () => {
  const timeline = [
    event("certificate.activated", "2026-02-01T10:00:00.400Z"),
    event("certificate.rotated", "2026-06-01T00:00:00Z", { successorId: "next" }),
    event("certificate.revoked", "2026-09-01T00:00:00Z", { reasonCode: 1, effectiveAt: "2026-08-01T00:00:00.000Z" }),
  ];

  it("walks through inactive, active, superseded and revoked (from the effective time, not the recording time)", () => {
    expect(certificateStatusAt(timeline, validity, at("2026-01-15T00:00:00Z")).status).toBe("inactive");
    expect(certificateStatusAt(timeline, validity, at("2026-03-01T00:00:00Z"))).toMatchObject({ status: "active" });
    expect(certificateStatusAt(timeline, validity, at("2026-07-01T00:00:00Z"))).toMatchObject({
      status: "superseded",
      successorId: "next",
    });
    expect(certificateStatusAt(timeline, validity, at("2026-08-15T00:00:00Z"))).toMatchObject({
      status: "revoked",
      revocationReason: "keyCompromise",
      since: at("2026-08-01T00:00:00Z"),
    });
  });

  it("counts an activation within the signing time's second as before it (PDF times have whole seconds)", () => {
    expect(certificateStatusAt(timeline, validity, at("2026-02-01T10:00:00Z")).status).toBe("active");
    expect(certificateStatusAt(timeline, validity, at("2026-02-01T09:59:59Z")).status).toBe("inactive");
  });

  it("reports expiry and not-yet-valid from the certificate's validity", () => {
    expect(
      certificateStatusAt(
        [event("certificate.activated", "2026-02-01T00:00:00Z")],
        validity,
        at("2027-02-01T00:00:00Z"),
      ),
    ).toMatchObject({ status: "expired", since: validity.notAfter });
    expect(certificateStatusAt([], validity, at("2025-12-01T00:00:00Z")).status).toBe("not_yet_valid");
  });

  it("an unknown reason code is reported as unknown, not guessed", () => {
    expect(
      certificateStatusAt(
        [event("certificate.revoked", "2026-03-01T00:00:00Z", { reasonCode: 99 })],
        validity,
        at("2026-04-01T00:00:00Z"),
      ).revocationReason,
    ).toBe("unknown");
  });
});
