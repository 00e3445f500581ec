-- AlterTable
ALTER TABLE "ClusterSnapshot" ADD COLUMN     "auditedRevision" INTEGER NOT NULL DEFAULT 0;
