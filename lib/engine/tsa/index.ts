export type { Timestamper } from "@/lib/engine/tsa/timestamper";
export { HttpTimestamper, type HttpTimestamperOptions } from "@/lib/engine/tsa/http-timestamper";
export {
  checkTimestampToken,
  type TimestampTokenCheck,
  type TimestampExpectations,
} from "@/lib/engine/tsa/check-timestamp-token";
export { TsaError, type TsaErrorCode, type TsaBadResponseReason } from "@/lib/engine/tsa/tsa-errors";
export type { TstInfo } from "@/lib/engine/tsa/tst-info";
