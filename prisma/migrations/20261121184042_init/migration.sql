-- CreateEnum
CREATE TYPE "Cni" AS ENUM ('calico', 'cilium', 'flannel', 'weave', 'antrea', 'canal', 'other');

-- CreateEnum
CREATE TYPE "KubeProxyMode" AS ENUM ('iptables', 'ipvs', 'nftables');

-- CreateEnum
CREATE TYPE "ComputeState" AS ENUM ('pending', 'computing', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "ChangeType" AS ENUM ('ADDED', 'MODIFIED', 'DELETED');

-- CreateTable
CREATE TABLE "Cluster" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "podCidr" TEXT NOT NULL,
    "serviceCidr" TEXT NOT NULL,
    "clusterDomain" TEXT NOT NULL,
    "cni" "Cni" NOT NULL,
    "kubeProxyMode" "KubeProxyMode" NOT NULL,
    "nodePortMin" INTEGER NOT NULL,
    "nodePortMax" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "computedRevision" INTEGER NOT NULL DEFAULT 0,
    "computeState" "ComputeState" NOT NULL DEFAULT 'pending',
    "computeError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterObject" (
    "id" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" UUID NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "ownerReferences" JSONB,
    "spec" JSONB,
    "status" JSONB,
    "data" JSONB,
    "resourceVersion" INTEGER NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "createdRevision" INTEGER NOT NULL,
    "creationTimestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ClusterObject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Revision" (
    "clusterId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "operation" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "added" INTEGER NOT NULL DEFAULT 0,
    "modified" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Revision_pkey" PRIMARY KEY ("clusterId","revision")
);

-- CreateTable
CREATE TABLE "ObjectChange" (
    "clusterId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "ChangeType" NOT NULL,
    "object" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ObjectChange_pkey" PRIMARY KEY ("clusterId","kind","namespace","name","revision")
);

-- CreateTable
CREATE TABLE "ClusterSnapshot" (
    "clusterId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "ClusterSnapshot_pkey" PRIMARY KEY ("clusterId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");

-- CreateIndex
CREATE INDEX "ClusterObject_clusterId_namespace_kind_idx" ON "ClusterObject"("clusterId", "namespace", "kind");

-- CreateIndex
CREATE INDEX "ClusterObject_clusterId_kind_name_idx" ON "ClusterObject"("clusterId", "kind", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ClusterObject_clusterId_kind_namespace_name_key" ON "ClusterObject"("clusterId", "kind", "namespace", "name");

-- CreateIndex
CREATE INDEX "ObjectChange_clusterId_revision_idx" ON "ObjectChange"("clusterId", "revision");

-- AddForeignKey
ALTER TABLE "ClusterObject" ADD CONSTRAINT "ClusterObject_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Revision" ADD CONSTRAINT "Revision_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ObjectChange" ADD CONSTRAINT "ObjectChange_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterSnapshot" ADD CONSTRAINT "ClusterSnapshot_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;
