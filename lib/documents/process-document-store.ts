import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { readDocumentSettings, type DocumentSettings } from "@/lib/documents/document-settings";
import type { DocumentStore } from "@/lib/documents/document-store";

const GLOBAL_KEY = Symbol.for("signet.documentStore");
type GlobalWithStore = typeof globalThis & { [GLOBAL_KEY]?: { store: DocumentStore; settings: DocumentSettings } };

/** The running app's document store and upload limit, read once per process from the environment. */
export function processDocumentStore(): { store: DocumentStore; settings: DocumentSettings } {
  const g = globalThis as GlobalWithStore;
  if (g[GLOBAL_KEY] === undefined) {
    const settings = readDocumentSettings();
    g[GLOBAL_KEY] = { store: new LocalDocumentStore(settings.documentDir), settings };
  }
  return g[GLOBAL_KEY];
}
