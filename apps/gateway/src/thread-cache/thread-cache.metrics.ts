import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@app/observability';
import { ThreadCache } from './thread-cache';

/** The cache's own counters, read at scrape time (nothing is added to the read path). */
export function exposeThreadCacheMetrics(cache: ThreadCache): void {
  for (const name of ['thread_cache_reads_total', 'thread_cache_stories', 'thread_cache_bytes']) metricsRegistry.removeSingleMetric(name);
  new Counter({
    name: 'thread_cache_reads_total',
    help: 'Thread page reads by how the cache answered: hit (fresh), stale (served, refreshing), miss, bypassed (listener not live)',
    labelNames: ['result'] as const,
    registers: [metricsRegistry],
    collect() {
      const stats = cache.stats();
      this.reset();
      this.inc({ result: 'hit' }, stats.hits);
      this.inc({ result: 'stale' }, stats.staleHits);
      this.inc({ result: 'miss' }, stats.misses);
      this.inc({ result: 'bypassed' }, stats.bypassed);
    },
  });
  new Gauge({
    name: 'thread_cache_stories',
    help: 'Stories with pages in the cache',
    registers: [metricsRegistry],
    collect() {
      this.set(cache.stats().stories);
    },
  });
  new Gauge({
    name: 'thread_cache_bytes',
    help: 'Bytes the cached pages count for against THREAD_CACHE_MAX_BYTES',
    registers: [metricsRegistry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
}
