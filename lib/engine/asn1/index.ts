export { bytesEqual } from "./der";
