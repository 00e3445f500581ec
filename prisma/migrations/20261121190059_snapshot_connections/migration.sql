-- AlterTable
ALTER TABLE "ClusterSnapshot" ADD COLUMN     "connections" JSONB NOT NULL DEFAULT '[]';
