'use strict';
// Submit -> visible: while a scenario runs, posts a probe comment every `intervalMs` and reads
// its thread until the comment is in it. Measured from the moment the 202 arrived to the moment
// a thread read containing the comment arrived (so it includes one read's latency and up to
// `pollMs` of polling granularity: an upper bound, never flattering). Probes go to small
// dedicated threads (at most `perThread` comments, one page), so finding one costs one read;
// with several gateways a probe is read through another gateway than the one it was posted to.
const { call, pool } = require('./api');
const { cleanBody } = require('./bodies');
const { summarize } = require('./stats');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class VisibilityProbe {
  constructor({ gateways, threads, readers, intervalMs = 25, pollMs = 10, boundMs = 30_000, perThread = 80 }) {
    Object.assign(this, { gateways, threads, readers, intervalMs, pollMs, boundMs, perThread });
    this.nextThread = 0;
    this.inThread = 0;
    this.sent = 0;
    this.pending = new Map(); // thread id -> Map(comment id -> probe)
    this.pollers = new Map(); // thread id -> Promise
    this.visible = [];
    this.submitLatencies = [];
    this.submitStatuses = {};
    this.lost = [];
    this.inflight = new Set();
  }

  start() {
    this.running = true;
    this.timer = setInterval(() => {
      const p = this.postOne().catch((error) => {
        this.submitStatuses.error = (this.submitStatuses.error ?? 0) + 1;
        this.lastError = error.message;
      });
      this.inflight.add(p);
      p.finally(() => this.inflight.delete(p));
    }, this.intervalMs);
  }

  threadForNext() {
    if (this.inThread >= this.perThread) {
      this.nextThread++;
      this.inThread = 0;
    }
    if (this.nextThread >= this.threads.length) throw new Error('out of probe threads');
    this.inThread++;
    return this.threads[this.nextThread];
  }

  async postOne() {
    const k = this.sent++;
    const threadId = this.threadForNext();
    const reader = this.readers[k % this.readers.length];
    const gateway = k % this.gateways.length;
    const result = await call(this.gateways[gateway], 'POST', `/api/v1/articles/${threadId}/comments`, {
      token: reader.token,
      xff: reader.xff,
      body: { body: cleanBody('probe') },
    });
    this.submitLatencies.push(result.ms);
    this.submitStatuses[result.status] = (this.submitStatuses[result.status] ?? 0) + 1;
    if (result.status !== 202) return;
    if (!this.pending.has(threadId)) this.pending.set(threadId, new Map());
    this.pending.get(threadId).set(result.body.id, { acceptedAt: result.at, reader, readVia: (gateway + 1) % this.gateways.length });
    if (!this.pollers.has(threadId)) {
      const poller = this.poll(threadId).finally(() => this.pollers.delete(threadId));
      this.pollers.set(threadId, poller);
    }
  }

  async poll(threadId) {
    const waiting = this.pending.get(threadId);
    while (waiting.size > 0) {
      const via = waiting.values().next().value.readVia;
      let page;
      try {
        page = await call(this.gateways[via], 'GET', `/api/v1/articles/${threadId}/comments?limit=100`);
      } catch {
        page = { status: 0 };
      }
      if (page.status === 200) {
        for (const comment of page.body.comments) {
          const probe = waiting.get(comment.id);
          if (probe) {
            this.visible.push(page.at - probe.acceptedAt);
            waiting.delete(comment.id);
          }
        }
      }
      const now = performance.now();
      for (const [id, probe] of waiting) {
        if (now - probe.acceptedAt > this.boundMs) {
          this.lost.push({ id, threadId, reader: probe.reader });
          waiting.delete(id);
        }
      }
      if (waiting.size > 0) await sleep(this.pollMs);
    }
  }

  /** Stops posting, waits (bounded) for the probes in flight, and summarizes. */
  async stop() {
    clearInterval(this.timer);
    await Promise.all([...this.inflight]);
    await Promise.all([...this.pollers.values()]);
    // What became of probes that never showed: their author may see them in any status.
    // A sample of 20, ten at a time, 10 s each at most: on a drowning system this must not
    // become the longest part of the run.
    const lostStatuses = {};
    await pool(this.lost.slice(0, 20), 10, async (probe) => {
      const seen = await call(this.gateways[0], 'GET', `/api/v1/comments/${probe.id}`, { token: probe.reader.token, timeoutMs: 10_000 }).catch(() => ({ status: 0, body: {} }));
      const status = seen.status === 200 ? seen.body.status : seen.status ? `http ${seen.status}` : 'no answer';
      lostStatuses[status] = (lostStatuses[status] ?? 0) + 1;
    });
    return {
      intervalMs: this.intervalMs,
      pollMs: this.pollMs,
      boundMs: this.boundMs,
      probes: this.sent,
      submitStatuses: this.submitStatuses,
      submitLatencyMs: summarize(this.submitLatencies),
      visibleMs: summarize(this.visible),
      notVisibleWithinBound: this.lost.length,
      // What the authors of (up to 20 of) the probes never seen are told about them.
      ...(this.lost.length ? { notVisibleStatusesSample: lostStatuses } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}

module.exports = { VisibilityProbe, probeThreadsNeeded: (seconds, intervalMs, perThread = 80) => Math.ceil((seconds * 1000) / intervalMs / perThread) + 2 };
