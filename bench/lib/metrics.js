'use strict';
// Reads the services' Prometheus metrics (/metrics) before and after a scenario: what each one
// asked of the database, by collection and command, and how many comments went through.
const http = require('node:http');

function get(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/metrics', timeout: 5_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? text : null));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

/** `name{a="x",b="y"} 12` lines of the wanted metrics, as { name, labels, value }. */
function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = /^(db_commands_total|db_command_duration_seconds_sum|events_handled_total)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Every process of the run that serves metrics: { name → samples }. Processes that do not answer are left out. */
async function scrape(run) {
  const processes = (run.processes ?? []).filter((p) => p.port);
  const texts = await Promise.all(processes.map((p) => get(p.port)));
  return Object.fromEntries(processes.flatMap((p, i) => (texts[i] ? [[p.name, parse(texts[i])]] : [])));
}

const sum = (samples, name, filter = () => true) => samples.filter((s) => s.name === name && filter(s.labels)).reduce((n, s) => n + s.value, 0);

/**
 * What happened between two scrapes. Per service: database commands and seconds, and its top
 * operations; `comments` is how many comment.submitted events moderation reviewed (comments
 * through the pipeline), the denominator of the per-comment figures.
 */
function difference(before, after, top = 12) {
  const services = {};
  let comments = 0;
  for (const [name, samples] of Object.entries(after)) {
    const old = before[name] ?? [];
    const delta = (metric, filter) => sum(samples, metric, filter) - sum(old, metric, filter);
    comments += delta('events_handled_total', (l) => l.type === 'comment.submitted' && l.outcome === 'ok' && name.startsWith('moderation'));
    const ops = new Map();
    for (const s of samples) {
      if (s.name !== 'db_commands_total' && s.name !== 'db_command_duration_seconds_sum') continue;
      const key = `${s.labels.collection} ${s.labels.command}`;
      const op = ops.get(key) ?? { op: key, commands: 0, seconds: 0 };
      const previous = old.filter((o) => o.name === s.name && o.labels.collection === s.labels.collection && o.labels.command === s.labels.command && o.labels.outcome === s.labels.outcome);
      const d = s.value - sum(previous, s.name);
      if (s.name === 'db_commands_total') op.commands += d;
      else op.seconds += d;
      ops.set(key, op);
    }
    const list = [...ops.values()].filter((o) => o.commands > 0).sort((a, b) => b.commands - a.commands);
    services[name] = {
      commands: list.reduce((n, o) => n + o.commands, 0),
      seconds: Math.round(list.reduce((n, o) => n + o.seconds, 0) * 1000) / 1000,
      top: list.slice(0, top).map((o) => ({ ...o, seconds: Math.round(o.seconds * 1000) / 1000 })),
    };
  }
  const commands = Object.values(services).reduce((n, s) => n + s.commands, 0);
  return { comments, commands, commandsPerComment: comments ? Math.round((commands / comments) * 10) / 10 : null, services };
}

module.exports = { scrape, difference, parse };
