export type { Timestamper } from "./timestamper";
export { HttpTimestamper, type HttpTimestamperOptions } from "./http-timestamper";
export { checkTimestampToken, type TimestampTokenCheck, type TimestampExpectations } from "./check-timestamp-token";
export { TsaError, type TsaErrorCode, type TsaBadResponseReason } from "./tsa-errors";
export type { TstInfo } from "./tst-info";
