-- AlterTable
ALTER TABLE "ClusterSnapshot" ADD COLUMN     "northSouth" JSONB NOT NULL DEFAULT '{}';
