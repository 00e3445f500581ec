import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobQueue } from '@switchyard/jobs';
import { PrismaService } from '@switchyard/persistence';

/**
 * Every cluster's periodic audit, made sure of when a worker starts. The API schedules one when a
 * cluster is created or its interval changes; this restores them should Redis have lost them (a
 * flushed or replaced Redis keeps no schedulers). Upserting an existing scheduler changes nothing.
 */
@Injectable()
export class AuditSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditSchedules.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const clusters = await this.prisma.cluster.findMany({ select: { id: true, auditIntervalSeconds: true } });
      for (const cluster of clusters) await this.jobs.scheduleAudit(cluster.id, cluster.auditIntervalSeconds);
      this.logger.log(`periodic audits scheduled for ${clusters.length} cluster(s)`);
    } catch (error) {
      // Not fatal: the API schedules audits again when clusters change, and recomputes audit too.
      this.logger.warn(`could not re-schedule periodic audits: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
