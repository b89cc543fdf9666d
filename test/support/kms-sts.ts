/**
 * STS AssumeRole for the test KMS endpoint, in STS's AWS Query protocol
 * (form-encoded POST, XML answers), so that `fromTemporaryCredentials` of the
 * real SDK can assume a role against it. The roles it knows, and the external id
 * each requires, are registered by the test; the credentials it hands out are
 * then accepted (with their session token) by the KMS side of the endpoint.
 */
import { randomBytes, randomUUID } from "node:crypto";

export interface TestRole {
  roleArn: string;
  externalId?: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleArn: string;
  expiration: Date;
}

export type StsAnswer = { status: number; body: string; issued?: IssuedCredentials };

const xmlEscape = (value: string): string =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function stsError(status: number, code: string, message: string): StsAnswer {
  return {
    status,
    body:
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

export function assumeRole(form: URLSearchParams, roles: ReadonlyMap<string, TestRole>, callerArn: string): StsAnswer {
  if (form.get("Action") !== "AssumeRole")
    return stsError(
      400,
      "InvalidAction",
      `Could not find operation ${form.get("Action") ?? ""} for version 2011-06-15`,
    );
  const roleArn = form.get("RoleArn") ?? "";
  const sessionName = form.get("RoleSessionName") ?? "";
  const role = roles.get(roleArn);
  if (!role || (role.externalId !== undefined && form.get("ExternalId") !== role.externalId)) {
    return stsError(
      403,
      "AccessDenied",
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const issued: IssuedCredentials = {
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(48).toString("base64"),
    roleArn,
    expiration: new Date(Date.now() + 900_000),
  };
  const account = roleArn.split(":")[4] ?? "000000000000";
  const roleName = roleArn.split("/").pop() ?? "role";
  const body =
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
    `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString("hex").toUpperCase()}:${xmlEscape(sessionName)}</AssumedRoleId>` +
    `<Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlEscape(issued.sessionToken)}</SessionToken><Expiration>${issued.expiration.toISOString()}</Expiration></Credentials>` +
    `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  return { status: 200, body, issued };
}
