export { sealPdf } from "./seal-pdf";
