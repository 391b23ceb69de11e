'use strict';
// Load generation with autocannon (programmatic): one instance per gateway, connections spread
// over them, every response's latency recorded here (all statuses, not only 2xx) so nothing
// slow is left out of the percentiles.
const autocannon = require('autocannon');
const { summarize } = require('./stats');

const running = new Set();

/** Stops every load generator still running (Ctrl-C). */
const stopAll = () => {
  for (const instance of running) instance.stop();
};

/**
 * Runs one kind of request against every gateway at once for `duration` seconds.
 * - build(i): { method, path, headers, body } of the next request (i counts per instance)
 * - onResponse(status, body, gateway, latencyMs): optional, e.g. to collect the ids of accepted
 *   comments and when each was sent (now − latencyMs)
 * - overallRate: total requests/s across gateways (open loop), else as fast as the connections go.
 * - amount: stop after this many responses (then `duration` only bounds the run).
 */
async function runLoad({ gateways, connections, duration, amount, overallRate, build, onResponse, label }) {
  const latencies = [];
  const statuses = {};
  const started = performance.now();
  const instances = gateways.map((url, g) => {
    const share = Math.max(1, Math.floor(connections / gateways.length) + (g < connections % gateways.length ? 1 : 0));
    let n = 0;
    // autocannon hands over a response's body (recordBody) and then, synchronously on the same
    // client, its latency ('response'): the body waits here for its latency.
    let body = null;
    const request = {
      setupRequest: (req) => {
        const next = build(n++, g);
        return { ...req, ...next, headers: { ...next.headers } };
      },
      ...(onResponse ? { onResponse: (_status, text) => (body = text) } : {}),
    };
    const instance = autocannon({
      url,
      connections: share,
      duration,
      // A fixed number of requests (the burst): nothing in flight is cut off at the end.
      ...(amount ? { amount: Math.max(share, Math.round((amount * share) / connections)) } : {}),
      timeout: 30,
      requests: [request],
      ...(overallRate ? { overallRate: Math.max(1, Math.round((overallRate * share) / connections)) } : {}),
    });
    running.add(instance);
    instance.once('done', () => running.delete(instance));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (onResponse) {
        onResponse(statusCode, body, g, responseTime);
        body = null;
      }
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    return new Promise((resolve, reject) => {
      instance.once('done', resolve);
      instance.once('error', reject);
    });
  });
  const results = await Promise.all(instances);
  const seconds = (performance.now() - started) / 1000;
  const total = latencies.length;
  const ok = Object.entries(statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    label,
    seconds: Math.round(seconds * 100) / 100,
    connections,
    requests: total,
    requestsPerSecond: Math.round((total / seconds) * 10) / 10,
    // Sent but still unanswered when the time was up: autocannon drops them, so their latency
    // (at least the time they had been waiting) is in no percentile. Reported, never hidden.
    unfinished: Math.max(0, results.reduce((sum, r) => sum + (r.requests?.sent ?? 0), 0) - total),
    ok2xx: ok,
    non2xx: total - ok,
    statuses,
    // Connection errors and timeouts (no response at all), as autocannon counts them.
    errors: results.reduce((sum, r) => sum + (r.errors ?? 0), 0),
    timeouts: results.reduce((sum, r) => sum + (r.timeouts ?? 0), 0),
    latencyMs: summarize(latencies),
    ...(overallRate ? { requestedRate: overallRate } : {}),
  };
}

module.exports = { runLoad, stopAll };
