// `npm run signet -- …` in a checkout: compiles the CLI when its sources changed, then runs it.
// The app tree carries the same CLI as dist/signet.mjs (`node dist/signet.mjs …`).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_INPUTS, stampIsCurrent } from "./source-stamp.mjs";

const root = path.resolve(import.meta.dirname, "..");
if (!stampIsCurrent(path.join(root, "dist", "signet-source-stamp"), root, BUNDLE_INPUTS)) {
  const { buildBundles } = await import("./build.mjs");
  await buildBundles();
}
await import(pathToFileURL(path.join(root, "dist", "signet.mjs")).href);
