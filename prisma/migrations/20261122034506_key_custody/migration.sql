-- CreateEnum
CREATE TYPE "KeyBackendKind" AS ENUM ('PLATFORM', 'AWS_KMS', 'PKCS11');

-- CreateEnum
CREATE TYPE "KeyState" AS ENUM ('ACTIVE', 'DESTROYED');

-- CreateEnum
CREATE TYPE "CertificateState" AS ENUM ('INACTIVE', 'ACTIVE', 'SUPERSEDED', 'REVOKED');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "allowSelfSignedCertificates" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "backend" "KeyBackendKind" NOT NULL,
    "algorithm" TEXT NOT NULL,
    "publicKey" BYTEA NOT NULL,
    "publicKeySha256" TEXT NOT NULL,
    "kmsKeyArn" TEXT,
    "kmsRegion" TEXT,
    "kmsRoleArn" TEXT,
    "kmsExternalId" TEXT,
    "pkcs11Module" TEXT,
    "pkcs11Token" TEXT,
    "pkcs11KeyLabel" TEXT,
    "pkcs11KeyId" TEXT,
    "pkcs11PinEnv" TEXT,
    "state" "KeyState" NOT NULL DEFAULT 'ACTIVE',
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destroyedAt" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlatformKeyMaterial" (
    "keyId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlatformKeyMaterial_pkey" PRIMARY KEY ("keyId")
);

-- CreateTable
CREATE TABLE "OrgDataKey" (
    "orgId" TEXT NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "masterKeyId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrgDataKey_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "CertificateSigningRequest" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "subject" JSONB NOT NULL,
    "pem" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateSigningRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningCertificate" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "der" BYTEA NOT NULL,
    "chainPem" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "serialHex" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "selfSigned" BOOLEAN NOT NULL,
    "state" "CertificateState" NOT NULL DEFAULT 'INACTIVE',
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMP(3),

    CONSTRAINT "SigningCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SigningKey_orgId_idx" ON "SigningKey"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "SigningKey_orgId_label_key" ON "SigningKey"("orgId", "label");

-- CreateIndex
CREATE INDEX "CertificateSigningRequest_orgId_idx" ON "CertificateSigningRequest"("orgId");

-- CreateIndex
CREATE INDEX "SigningCertificate_orgId_state_idx" ON "SigningCertificate"("orgId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "SigningCertificate_orgId_sha256_key" ON "SigningCertificate"("orgId", "sha256");

-- AddForeignKey
ALTER TABLE "SigningKey" ADD CONSTRAINT "SigningKey_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificateSigningRequest" ADD CONSTRAINT "CertificateSigningRequest_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "SigningKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningCertificate" ADD CONSTRAINT "SigningCertificate_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningCertificate" ADD CONSTRAINT "SigningCertificate_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "SigningKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
