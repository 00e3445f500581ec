-- CreateEnum
CREATE TYPE "FindingState" AS ENUM ('open', 'resolved');

-- CreateTable
CREATE TABLE "Finding" (
    "id" UUID NOT NULL,
    "clusterId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "objects" JSONB NOT NULL,
    "message" TEXT NOT NULL,
    "fix" TEXT NOT NULL,
    "state" "FindingState" NOT NULL DEFAULT 'open',
    "firstSeenRevision" INTEGER NOT NULL,
    "lastSeenRevision" INTEGER NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterEvent" (
    "id" BIGSERIAL NOT NULL,
    "clusterId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Finding_clusterId_state_severity_idx" ON "Finding"("clusterId", "state", "severity");

-- CreateIndex
CREATE INDEX "Finding_clusterId_key_idx" ON "Finding"("clusterId", "key");

-- CreateIndex
CREATE INDEX "ClusterEvent_clusterId_id_idx" ON "ClusterEvent"("clusterId", "id");

-- CreateIndex
CREATE INDEX "ClusterEvent_clusterId_revision_idx" ON "ClusterEvent"("clusterId", "revision");

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterEvent" ADD CONSTRAINT "ClusterEvent_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;
