import { describe, expect, it } from "vitest";
import { ALL_ACTIONS, mayChangeRoles, rolesAllow, type Action } from "@/lib/access/permissions";
import { Role } from "@/lib/access/roles";

// Written out by hand, not derived from PERMISSIONS: a change to the policy must change this table too.
const EXPECTED: Record<Action, Role[]> = {
  "organisation.view": ["OWNER", "ADMIN", "SIGNER", "AUDITOR"],
  "members.view": ["OWNER", "ADMIN"],
  "members.invite": ["OWNER", "ADMIN"],
  "members.change_roles": ["OWNER", "ADMIN"],
  "members.remove": ["OWNER", "ADMIN"],
  "audit.view": ["OWNER", "ADMIN", "AUDITOR"],
  "audit.export": ["OWNER", "ADMIN", "AUDITOR"],
  "settings.manage": ["OWNER", "ADMIN"],
  "certificates.view": ["OWNER", "ADMIN", "SIGNER"],
  "certificates.manage": ["OWNER", "ADMIN"],
  "documents.view": ["OWNER", "ADMIN", "SIGNER"],
  "documents.seal": ["SIGNER"],
};

describe("rolesAllow", () => {
  it("the table covers every action", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ALL_ACTIONS].sort());
  });
  for (const action of ALL_ACTIONS) {
    for (const role of Object.values(Role)) {
      const allowed = EXPECTED[action].includes(role);
      it(`${role} ${allowed ? "may" : "may not"} ${action}`, () => {
        expect(rolesAllow([role], action)).toBe(allowed);
      });
    }
  }
  it("no roles allow nothing", () => {
    for (const action of ALL_ACTIONS) expect(rolesAllow([], action)).toBe(false);
  });
  it("an auditor reads the audit trail and nothing else", () => {
    expect(ALL_ACTIONS.filter((action) => rolesAllow([Role.AUDITOR], action)).sort()).toEqual([
      "audit.export",
      "audit.view",
      "organisation.view",
    ]);
  });
  it("a signer manages no certificate, member or setting", () => {
    for (const action of ["certificates.manage", "members.change_roles", "members.invite", "settings.manage"] as const)
      expect(rolesAllow([Role.SIGNER], action)).toBe(false);
  });
  it("an administrator without the signer role cannot seal", () => {
    expect(rolesAllow([Role.OWNER, Role.ADMIN, Role.AUDITOR], "documents.seal")).toBe(false);
  });
});

describe("mayChangeRoles", () => {
  it("owners may grant and withdraw any role", () => {
    expect(mayChangeRoles([Role.OWNER], [Role.SIGNER], [Role.OWNER])).toBe(true);
    expect(mayChangeRoles([Role.OWNER], [Role.OWNER], [Role.ADMIN])).toBe(true);
  });
  it("administrators manage ADMIN, SIGNER and AUDITOR but never OWNER", () => {
    expect(mayChangeRoles([Role.ADMIN], [Role.SIGNER], [Role.ADMIN, Role.AUDITOR])).toBe(true);
    expect(mayChangeRoles([Role.ADMIN], [Role.SIGNER], [Role.OWNER])).toBe(false);
    expect(mayChangeRoles([Role.ADMIN], [Role.OWNER], [Role.OWNER, Role.SIGNER])).toBe(false);
  });
  it("signers and auditors change nothing", () => {
    expect(mayChangeRoles([Role.SIGNER], [Role.AUDITOR], [Role.SIGNER])).toBe(false);
    expect(mayChangeRoles([Role.AUDITOR], [], [Role.AUDITOR])).toBe(false);
  });
});
