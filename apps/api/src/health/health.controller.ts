import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { JobQueue } from '@switchyard/jobs';
import { migrationStatus, PrismaService } from '@switchyard/persistence';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
  ) {}

  /** The process is up and serving: nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers, Redis answers, and every migration is applied. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.prisma.$queryRaw`SELECT 1`;
          })
          .withTimeout(2000),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.jobs.connection.ping();
          })
          .withTimeout(2000),
      async () => {
        const session = this.indicators.check('migrations');
        try {
          const status = await migrationStatus(this.prisma);
          return status.pending.length === 0 && status.expected > 0
            ? session.up({ applied: status.applied })
            : session.down({ pending: status.pending, expected: status.expected });
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
    ]);
  }
}
