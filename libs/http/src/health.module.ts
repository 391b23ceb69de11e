import { Controller, DynamicModule, Get, Inject, Module, ModuleMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MetricsController } from './metrics.controller';
import { Public } from './public.decorator';
import { Unsigned } from './service-auth';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction, TerminusModule } from '@nestjs/terminus';

const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Liveness says the process answers; readiness says it can do its work (broker, database…). */
@ApiExcludeController()
@Public()
@Unsigned()
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly checks: HealthIndicatorFunction[],
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks);
  }
}

export interface HealthModuleOptions extends Pick<ModuleMetadata, 'imports'> {
  inject: unknown[];
  readiness: (...deps: never[]) => HealthIndicatorFunction[];
}

/** The operators' endpoints: /health/live, /health/ready and /metrics. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: READINESS_CHECKS, inject: options.inject as never[], useFactory: options.readiness }],
    };
  }
}
