'use strict';
// Processed, not accepted: a comment counts as processed when its final event (comment.approved,
// comment.held or comment.rejected on the run's comments.events) is out, matched by id to the
// 202s the scenario got. Pure functions over times in ms (epoch), so they are unit-tested.
const { summarize } = require('./stats');

/**
 * - accepted: [{ id, sentAt, acceptedAt }] (the 202s; sentAt = when the post left, acceptedAt = its 202)
 * - finalAt(id): when its final event was produced (ms), or undefined when not (yet) seen
 * - loadStart, loadEnd: the load window
 * The figures: accepted/s and processed/s over the load window (processed/s counts only the
 * comments whose final event came inside it), the backlog (accepted − processed) at the end of each
 * second from loadStart on, until everything accepted is processed or the last event seen; the
 * drain (last final event − loadEnd, null when some were never processed) and submit→final latency.
 */
function processedReport({ accepted, finalAt, loadStart, loadEnd }) {
  const windowSeconds = Math.max(0.001, (loadEnd - loadStart) / 1000);
  const finals = [];
  const latencies = [];
  let inWindow = 0;
  let lastFinal = null;
  const acceptedTimes = [];
  for (const a of accepted) {
    const at = finalAt(a.id);
    // A comment is accepted before it is processed: when its final event is older than the 202's
    // arrival here, the bench was slow to take the answer, and the event's time is the better bound.
    acceptedTimes.push(at === undefined || at === null ? a.acceptedAt : Math.min(a.acceptedAt, at));
    if (at === undefined || at === null) continue;
    finals.push(at);
    latencies.push(Math.max(0, at - a.sentAt));
    if (at <= loadEnd) inWindow++;
    lastFinal = Math.max(lastFinal ?? at, at);
  }
  const processed = finals.length;
  const drained = processed === accepted.length;
  acceptedTimes.sort((x, y) => x - y);
  finals.sort((x, y) => x - y);
  const end = Math.max(loadEnd, lastFinal ?? loadEnd, acceptedTimes.at(-1) ?? loadEnd);
  const backlog = [];
  for (let t = loadStart + 1000, i = 0, j = 0; t < end + 1000; t += 1000) {
    while (i < acceptedTimes.length && acceptedTimes[i] <= t) i++;
    while (j < finals.length && finals[j] <= t) j++;
    backlog.push(i - j);
  }
  const round1 = (v) => Math.round(v * 10) / 10;
  return {
    accepted: accepted.length,
    processed,
    notProcessed: accepted.length - processed,
    windowSeconds: round1(windowSeconds),
    acceptedPerSecond: round1(accepted.length / windowSeconds),
    processedPerSecond: round1(inWindow / windowSeconds),
    backlogPerSecond: backlog,
    backlogMax: backlog.length ? Math.max(...backlog) : 0,
    drained,
    drainSeconds: drained ? (lastFinal === null ? 0 : round1(Math.max(0, lastFinal - loadEnd) / 1000)) : null,
    submitToFinalMs: summarize(latencies),
  };
}

/** The backlog series as compact text: "0 12 40 … 3 0" (the middle elided past `max` values). */
function compactSeries(values, max = 40) {
  if (values.length <= max) return values.join(' ');
  const half = Math.floor(max / 2);
  return `${values.slice(0, half).join(' ')} … ${values.slice(-half).join(' ')}`;
}

/** Median of numbers (null ones left out); null when none. */
function median(values) {
  const v = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** candidate / baseline, 2 decimals; null when either is missing or the baseline is 0. */
const ratio = (candidate, baseline) => (candidate === null || candidate === undefined || !baseline ? null : Math.round((candidate / baseline) * 100) / 100);

module.exports = { processedReport, compactSeries, median, ratio };
