import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_FLAGS } from "@/scripts/build.mjs";

const root = path.resolve(import.meta.dirname, "..");
const read = (name: string) => fs.readFileSync(path.join(root, name), "utf8");

describe("one way to build and start, whoever starts Signet", () => {
  it("npm start execs Node with the server's flags (no shell left between npm and the server)", () => {
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`exec node ${SERVER_NODE_FLAGS.join(" ")} scripts/start.mjs`);
    expect(scripts.build).toBe("node scripts/build.mjs");
  });

  it("the container image runs the build CI runs and the app tree's start.sh, as a user without privileges", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^RUN node scripts\/build\.mjs$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/\.next\/standalone \/app$/m);
    expect(dockerfile).toMatch(/^CMD \["\/app\/start\.sh"\]$/m);
    expect(dockerfile).toMatch(/^USER signet$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^]*\/api\/health/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
  });

  it("compose.yaml gives secrets as mounted files, through variables the settings read", () => {
    const compose = read("compose.yaml");
    for (const variable of ["AUTH_SECRET_FILE", "SIGNET_MASTER_KEY_FILE", "DATABASE_URL_FILE"]) {
      expect(compose).toContain(`${variable}: /run/secrets/`);
    }
    expect(read("lib/config/settings.ts")).toContain("DATABASE_URL_FILE");
    expect(read("lib/config/secrets.ts")).toContain("`${spec.envVar}_FILE`");
    expect(read("lib/custody/master-key-config.ts")).toContain("SIGNET_MASTER_KEY_FILE");
  });
});

describe("worker-thread entries", () => {
  it("every pool's entry is a lib/ file named *-worker.ts, which the build compiles", () => {
    const sources = fs
      .readdirSync(path.join(root, "lib"), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
    const entries = sources.flatMap((file) =>
      [...read(path.join("lib", file)).matchAll(/\bentry: "([^"]+)"/g)].map((match) => match[1]!),
    );
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const entry of entries) {
      expect(entry).toMatch(/^lib\/.+-worker\.ts$/);
      expect(fs.existsSync(path.join(root, entry))).toBe(true);
    }
  });
});
