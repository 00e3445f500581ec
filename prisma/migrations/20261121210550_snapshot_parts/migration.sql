-- The pods move out of "data" into a column of their own, rewritten only when they change; the
-- workload connection list moves to "ClusterConnections", derived after the snapshot is stored.
ALTER TABLE "ClusterSnapshot"
ADD COLUMN     "pods" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "podsRevision" INTEGER NOT NULL DEFAULT 0;

UPDATE "ClusterSnapshot"
SET "pods" = COALESCE("data" -> 'pods', '[]'::jsonb), "podsRevision" = "revision", "data" = "data" - 'pods';

-- CreateTable
CREATE TABLE "ClusterConnections" (
    "clusterId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "connections" JSONB NOT NULL,

    CONSTRAINT "ClusterConnections_pkey" PRIMARY KEY ("clusterId")
);

INSERT INTO "ClusterConnections" ("clusterId", "revision", "computedAt", "connections")
SELECT "clusterId", "revision", "computedAt", "connections" FROM "ClusterSnapshot";

ALTER TABLE "ClusterSnapshot" DROP COLUMN "connections";

-- AddForeignKey
ALTER TABLE "ClusterConnections" ADD CONSTRAINT "ClusterConnections_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every change of a cluster's head (latest revision, computed revision, compute state), from any
-- writer, is announced on commit, so API processes can answer from memory without asking the
-- database which snapshot is current.
CREATE FUNCTION switchyard_notify_cluster_head() RETURNS trigger AS $$
DECLARE
  row_data "Cluster";
BEGIN
  IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
  PERFORM pg_notify('switchyard_cluster_heads', json_build_object(
    'op', TG_OP,
    'id', row_data.id,
    'name', row_data.name,
    'revision', row_data.revision,
    'computedRevision', row_data."computedRevision",
    'computeState', row_data."computeState"
  )::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Cluster_notify_head"
AFTER INSERT OR DELETE OR UPDATE OF revision, "computedRevision", "computeState" ON "Cluster"
FOR EACH ROW EXECUTE FUNCTION switchyard_notify_cluster_head();
