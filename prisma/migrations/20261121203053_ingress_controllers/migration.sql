-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "ingressControllers" JSONB;
