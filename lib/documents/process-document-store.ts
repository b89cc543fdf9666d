import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { S3DocumentStore } from "@/lib/documents/s3-document-store";
import { readDocumentSettings, type DocumentSettings } from "@/lib/documents/document-settings";
import type { DocumentStore } from "@/lib/documents/document-store";

const GLOBAL_KEY = Symbol.for("signet.documentStore");
type GlobalWithStore = typeof globalThis & { [GLOBAL_KEY]?: { store: DocumentStore; settings: DocumentSettings } };

/**
 * The running app's document store and upload limit, read once per process from the environment:
 * S3-compatible object storage when SIGNET_DOCUMENT_STORE is set, local disk otherwise.
 */
export function processDocumentStore(): { store: DocumentStore; settings: DocumentSettings } {
  const g = globalThis as GlobalWithStore;
  if (g[GLOBAL_KEY] === undefined) {
    const settings = readDocumentSettings();
    g[GLOBAL_KEY] = { store: documentStoreFor(settings), settings };
  }
  return g[GLOBAL_KEY];
}

/** The store the settings name: S3 when SIGNET_DOCUMENT_STORE is set, local disk otherwise. */
export function documentStoreFor(settings: DocumentSettings): DocumentStore {
  return settings.s3 ? new S3DocumentStore(settings.s3) : new LocalDocumentStore(settings.documentDir);
}
