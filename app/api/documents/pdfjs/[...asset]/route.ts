import { readFile } from "node:fs/promises";
import path from "node:path";
import { jsonError, routeContext } from "@/app/api/documents/_lib/route-context";

export const dynamic = "force-dynamic";

/**
 * pdf.js's worker and the data it may ask for (CMaps, standard fonts, image decoders), served
 * from our own origin out of the installed pdfjs-dist: previews never touch the network.
 */
const FOLDERS: Record<string, string> = {
  worker: "build",
  cmaps: "cmaps",
  standard_fonts: "standard_fonts",
  wasm: "wasm",
};
const TYPES: Record<string, string> = {
  ".mjs": "text/javascript; charset=utf-8",
  ".bcmap": "application/octet-stream",
  ".pfb": "application/octet-stream",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
};
/**
 * The installed pdfjs-dist: in the app tree the server runs from (SIGNET_APP_DIR, set by
 * scripts/server.ts), else the working directory's node_modules (`npm run dev`).
 */
const pdfjsDir = () =>
  path.join(/* turbopackIgnore: true */ process.env.SIGNET_APP_DIR ?? process.cwd(), "node_modules", "pdfjs-dist");
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

export async function GET(_request: Request, { params }: { params: Promise<{ asset: string[] }> }): Promise<Response> {
  const { response } = await routeContext("documents.view");
  if (response !== undefined) return response;
  const { asset } = await params;
  const [folder, name] = asset;
  const directory = folder === undefined ? undefined : FOLDERS[folder];
  const type = name === undefined ? undefined : TYPES[path.extname(name)];
  if (
    asset.length !== 2 ||
    directory === undefined ||
    name === undefined ||
    !NAME.test(name) ||
    type === undefined ||
    (folder === "worker" && name !== "pdf.worker.min.mjs")
  ) {
    return jsonError(404, "Not found.");
  }
  try {
    const bytes = await readFile(path.join(/* turbopackIgnore: true */ pdfjsDir(), directory, name));
    return new Response(new Uint8Array(bytes), {
      headers: { "Content-Type": type, "Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff" },
    });
  } catch {
    return jsonError(404, "Not found.");
  }
}
