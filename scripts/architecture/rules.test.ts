import { describe, expect, it } from "vitest";
import {
  clientBundleViolations,
  configurationReads,
  folderCycles,
  folderOf,
  layerViolations,
  type ImportEdge,
} from "@/scripts/architecture/rules";

const edge = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: false });
const rulesBroken = (...edges: ImportEdge[]) => layerViolations(edges).map((v) => v.rule);

describe("layer rules", () => {
  it("the engine may not import a service, the database, configuration, logging or the app", () => {
    expect(rulesBroken(edge("lib/engine/seal/seal-pdf.ts", "lib/db/client.ts"))).toEqual(["engine-is-pure"]);
    expect(rulesBroken(edge("lib/engine/pdf/parser.ts", "lib/config/settings.ts"))).toEqual(["engine-is-pure"]);
    expect(rulesBroken(edge("lib/engine/verify/verify-pdf.ts", "lib/log/logger.ts"))).toEqual(["engine-is-pure"]);
    expect(rulesBroken(edge("lib/engine/cms/signed-data.ts", "app/_server/auth.ts"))).toEqual([
      "engine-is-pure",
      "lib-knows-no-app",
    ]);
  });

  it("the engine may not use the web framework, the database driver or the logger", () => {
    expect(
      rulesBroken(edge("lib/engine/keys/key-backend.ts", "node_modules/next/dist/server/web/exports/index.js")),
    ).toEqual(["engine-without-frameworks"]);
    expect(rulesBroken(edge("lib/engine/tsa/http-timestamper.ts", "node_modules/pino/pino.js"))).toEqual([
      "engine-without-frameworks",
    ]);
    expect(rulesBroken(edge("lib/engine/seal/seal-pdf.ts", "node_modules/@prisma/client/default.js"))).toEqual([
      "engine-without-frameworks",
    ]);
  });

  it("the engine may use its own folders and libraries such as node-forge or pdf-lib", () => {
    expect(
      rulesBroken(
        edge("lib/engine/seal/seal-pdf.ts", "lib/engine/pdf/parser.ts"),
        edge("lib/engine/pki/certificate.ts", "node_modules/node-forge/lib/index.js"),
      ),
    ).toEqual([]);
  });

  it("lib/ may not import the app or its components", () => {
    expect(rulesBroken(edge("lib/sealing/seal-documents.ts", "components/ui.tsx"))).toEqual(["lib-knows-no-app"]);
  });

  it("outside the engine, engine folders are reached only through their index.ts", () => {
    expect(rulesBroken(edge("lib/sealing/seal-documents.ts", "lib/engine/pdf/parser.ts"))).toEqual(["engine-surface"]);
    expect(rulesBroken(edge("cli/commands/seal.ts", "lib/engine/keys/pkcs11/pkcs11-session.ts"))).toEqual([
      "engine-surface",
    ]);
    expect(
      rulesBroken(
        edge("lib/sealing/seal-documents.ts", "lib/engine/pdf/index.ts"),
        edge("cli/commands/seal.ts", "lib/engine/keys/pkcs11/index.ts"),
        edge("lib/custody/key-backends.ts", "lib/engine/errors.ts"),
      ),
    ).toEqual([]);
  });

  it("tests may reach inside; production code may not import test support", () => {
    expect(rulesBroken(edge("lib/sealing/seal-documents.test.ts", "lib/engine/pdf/parser.ts"))).toEqual([]);
    expect(rulesBroken(edge("lib/documents/upload-document.ts", "test/support/pki-fixtures.ts"))).toEqual([
      "no-test-code-in-production",
    ]);
  });

  it("the engine reads no environment variables", () => {
    const files = new Map([
      ["lib/engine/tsa/http-timestamper.ts", "const url = process.env.SIGNET_TSA_URL;"],
      ["lib/config/settings.ts", "const url = process.env.SIGNET_TSA_URL;"],
      ["lib/engine/tsa/http-timestamper.test.ts", "process.env.X = '1';"],
    ]);
    expect(configurationReads(files).map((v) => v.from)).toEqual(["lib/engine/tsa/http-timestamper.ts"]);
  });
});

describe("folder cycles", () => {
  it("names folders the way the architecture does", () => {
    expect(folderOf("lib/engine/keys/pkcs11/pkcs11-session.ts")).toBe("lib/engine/keys");
    expect(folderOf("lib/engine/errors.ts")).toBe("lib/engine/errors");
    expect(folderOf("lib/audit/append-audit.ts")).toBe("lib/audit");
    expect(folderOf("app/(workspace)/audit/page.tsx")).toBe("app");
    expect(folderOf("instrumentation.ts")).toBe("instrumentation");
  });

  it("finds a cycle between two folders, and one through three", () => {
    expect(
      folderCycles([
        edge("lib/audit/audit-export.ts", "lib/auth/org-context.ts"),
        edge("lib/auth/sign-in.ts", "lib/audit/append-audit.ts"),
      ]),
    ).toEqual([["lib/audit", "lib/auth"]]);
    expect(
      folderCycles([
        edge("lib/engine/keys/a.ts", "lib/engine/pki/b.ts"),
        edge("lib/engine/pki/b.ts", "lib/engine/cms/c.ts"),
        edge("lib/engine/cms/c.ts", "lib/engine/keys/d.ts"),
      ]),
    ).toEqual([["lib/engine/cms", "lib/engine/keys", "lib/engine/pki"]]);
  });

  it("ignores imports inside one folder and imports made by tests", () => {
    expect(folderCycles([edge("lib/audit/a.ts", "lib/audit/b.ts"), edge("lib/audit/b.ts", "lib/audit/a.ts")])).toEqual(
      [],
    );
    expect(
      folderCycles([
        edge("lib/engine/seal/seal-pdf.ts", "lib/engine/verify/pdf-facts.ts"),
        edge("lib/engine/verify/verify-pdf.test.ts", "lib/engine/seal/seal-pdf.ts"),
      ]),
    ).toEqual([]);
  });
});

describe("client bundles", () => {
  const typeOnly = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: true });
  it("reports server-only code reached from a client component, directly or through other modules", () => {
    const found = clientBundleViolations(
      [
        edge("components/verification-result.tsx", "lib/engine/pki/index.ts"),
        edge("app/x/form.tsx", "lib/helpers/format.ts"),
        edge("lib/helpers/format.ts", "node_modules/node-forge/lib/index.js"),
        edge("app/y/widget.tsx", "node:crypto"),
      ],
      ["components/verification-result.tsx", "app/x/form.tsx", "app/y/widget.tsx"],
    );
    expect(found.map((v) => v.to)).toEqual([
      "lib/engine/pki/index.ts",
      "node_modules/node-forge/lib/index.js",
      "node:crypto",
    ]);
    expect(found[1]?.from).toBe("app/x/form.tsx (via lib/helpers/format.ts)");
  });

  it("allows browser surfaces and type-only imports, and ignores server components", () => {
    expect(
      clientBundleViolations(
        [
          edge("components/verification-result.tsx", "lib/engine/pki/browser.ts"),
          edge("lib/engine/pki/browser.ts", "lib/engine/pki/readable-name.ts"),
          typeOnly("components/verify-drop-zone.tsx", "lib/engine/verify/index.ts"),
          edge("app/page.tsx", "lib/db/client.ts"),
        ],
        ["components/verification-result.tsx", "components/verify-drop-zone.tsx"],
      ),
    ).toEqual([]);
  });
});
