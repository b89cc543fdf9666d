export { LocalKeyBackend } from "./local-key-backend";
export { loadPkcs12 } from "./pkcs12";
