import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "dist/**",
      "node_modules/**",
      "data/**",
      "artifacts/**",
      "test-results/**",
      "playwright-report/**",
      "lib/db/generated/**",
      "next-env.d.ts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.{1,2}/", message: "Import project modules by their @/ path (one import style)." }] },
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*", "next-auth", "next-auth/*", "react", "react-dom"],
              message: "lib/ knows nothing of Next.js or React.",
            },
            { regex: "^\\.{1,2}/", message: "Import project modules by their @/ path (one import style)." },
          ],
        },
      ],
    },
  },
  {
    // The same rule, in the editor, as scripts/architecture/check.ts enforces in npm test.
    files: ["lib/engine/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*", "next-auth", "next-auth/*", "react", "react-dom"],
              message: "lib/ knows nothing of Next.js or React.",
            },
            {
              group: ["@/lib/*", "!@/lib/engine", "@/app/*", "@/components/*", "@/test/*"],
              message: "The sealing engine imports only lib/engine.",
            },
            {
              group: ["pino", "@prisma/*", "pg", "@electric-sql/*", "pglite-prisma-adapter", "server-only"],
              message: "The sealing engine uses no database, logger or server framework.",
            },
            { regex: "^\\.{1,2}/", message: "Import project modules by their @/ path (one import style)." },
          ],
        },
      ],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];
export default config;
