-- CreateEnum
CREATE TYPE "SealJobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SEALED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "SealJob" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "certificateId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "placement" JSONB,
    "reason" TEXT,
    "location" TEXT,
    "requestMeta" JSONB NOT NULL,
    "status" "SealJobStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pendingObjectKey" TEXT,
    "sealId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SealJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SealJob_status_nextAttemptAt_idx" ON "SealJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SealJob_batchId_idx" ON "SealJob"("batchId");

-- CreateIndex
CREATE INDEX "SealJob_orgId_status_idx" ON "SealJob"("orgId", "status");

-- CreateIndex
CREATE INDEX "SealJob_documentId_idx" ON "SealJob"("documentId");

-- Hand-written (the Prisma datamodel cannot express a partial index): one QUEUED or RUNNING job
-- per document, so a document cannot be queued twice.
CREATE UNIQUE INDEX "SealJob_active_document_key" ON "SealJob"("documentId") WHERE "status" IN ('QUEUED', 'RUNNING');
