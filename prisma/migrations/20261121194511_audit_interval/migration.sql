-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "auditIntervalSeconds" INTEGER NOT NULL DEFAULT 3600;
