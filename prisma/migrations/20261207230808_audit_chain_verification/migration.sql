-- CreateTable
CREATE TABLE "AuditChainVerification" (
    "chainId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3) NOT NULL,
    "fullVerifiedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditChainVerification_pkey" PRIMARY KEY ("chainId")
);
