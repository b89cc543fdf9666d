export { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
export { loadPkcs12 } from "@/lib/engine/keys/local/pkcs12";
