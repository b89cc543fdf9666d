export { bytesEqual } from "@/lib/engine/asn1/der";
