export { sealPdf } from "@/lib/engine/seal/seal-pdf";
