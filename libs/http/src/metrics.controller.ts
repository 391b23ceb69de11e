import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { metricsRegistry } from '@app/observability';
import { Public } from './public.decorator';
import { Unsigned } from './service-auth';

/**
 * Prometheus' scrape endpoint. Like /health it is for the operators' network: the gateway's
 * reverse proxy should not route /metrics from the internet (see README, "Operating it").
 */
@ApiExcludeController()
@Public()
@Unsigned()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
