/**
 * Reads the single responses of an OCSP response (RFC 6960 4.2.1) as stored in a
 * DSS: which certificate each one is about (CertID) and the status it gives.
 * The responder's signature is not checked here (see LtvReport.problems).
 * Throws DerError when the bytes are not an OCSP response.
 */
import {
  DerError,
  Tag,
  decodeOid,
  decodeTime,
  expectTag,
  readChildren,
  readSingle,
  type DerElement,
} from "@/lib/engine/asn1/der";

const ID_PKIX_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";

export interface OcspSingleResponse {
  /** OID of the hash used for issuerNameHash / issuerKeyHash. */
  hashAlgorithm: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** DER of the serialNumber INTEGER. */
  serialNumberDer: Uint8Array;
  status: "good" | "revoked" | "unknown";
  revocationTime?: Date;
}

export function parseOcspResponse(der: Uint8Array): OcspSingleResponse[] {
  const [status, responseBytes] = readChildren(
    expectTag(readSingle(der, { allowZeroPadding: true }), Tag.SEQUENCE, "OCSPResponse"),
  );
  if (expectTag(status, 0x0a, "responseStatus").content[0] !== 0 || responseBytes === undefined) {
    throw new DerError("The OCSP response is not a successful response.");
  }
  const [bytes] = readChildren(expectTag(responseBytes, 0xa0, "responseBytes"));
  const [type, response] = readChildren(expectTag(bytes, Tag.SEQUENCE, "ResponseBytes"));
  if (decodeOid(expectTag(type, Tag.OID, "responseType")) !== ID_PKIX_OCSP_BASIC)
    throw new DerError("Not a basic OCSP response.");
  const basic = readSingle(expectTag(response, Tag.OCTET_STRING, "response").content);
  const [tbsResponseData] = readChildren(expectTag(basic, Tag.SEQUENCE, "BasicOCSPResponse"));
  const fields = readChildren(expectTag(tbsResponseData, Tag.SEQUENCE, "ResponseData"));
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  i++; // responderID
  i++; // producedAt
  return readChildren(expectTag(fields[i], Tag.SEQUENCE, "responses")).map(singleResponse);
}

function singleResponse(element: DerElement): OcspSingleResponse {
  const [certId, certStatus] = readChildren(expectTag(element, Tag.SEQUENCE, "SingleResponse"));
  const [algorithm, nameHash, keyHash, serial] = readChildren(expectTag(certId, Tag.SEQUENCE, "CertID"));
  const [algorithmOid] = readChildren(expectTag(algorithm, Tag.SEQUENCE, "hashAlgorithm"));
  if (certStatus === undefined) throw new DerError("Malformed SingleResponse.");
  const base = {
    hashAlgorithm: decodeOid(expectTag(algorithmOid, Tag.OID, "hash OID")),
    issuerNameHash: expectTag(nameHash, Tag.OCTET_STRING, "issuerNameHash").content,
    issuerKeyHash: expectTag(keyHash, Tag.OCTET_STRING, "issuerKeyHash").content,
    serialNumberDer: expectTag(serial, Tag.INTEGER, "serialNumber").der,
  };
  if (certStatus.tag === 0x80) return { ...base, status: "good" };
  if (certStatus.tag === 0xa1) {
    const [time] = readChildren(certStatus);
    return {
      ...base,
      status: "revoked",
      revocationTime: decodeTime(expectTag(time, Tag.GENERALIZED_TIME, "revocationTime")),
    };
  }
  return { ...base, status: "unknown" };
}
