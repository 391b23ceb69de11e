// The moderators' live stream, GET /api/v1/moderation/live (SSE). EventSource cannot send an
// Authorization header, so the stream is read with fetch(). Where the gateway has no stream (404)
// or it drops, the console refreshes its counts on a timer instead and tries the stream again later.

import type { Queue } from './api';

export interface QueueChange {
  change: 'entered' | 'left';
  queue: Queue;
  commentId: string;
  articleId: string;
  at: string;
}

export type LiveState = 'connecting' | 'live' | 'polling';

export interface LiveOptions {
  token: () => string | null;
  onChange: (change: QueueChange) => void;
  onState: (state: LiveState) => void;
  /** Called on every poll while the stream is unavailable, and once after each (re)connection. */
  refresh: () => void;
  url?: string;
  pollMs?: number;
  /** How long to wait before trying a missing (404) stream again; a dropped one is retried sooner. */
  retryMissingMs?: number;
}

export interface LiveHandle {
  close(): void;
}

/** Parses SSE text into events: blocks separated by a blank line, fields `event:`, `data:`, `id:`. */
export function parseSse(buffer: string): { events: { event: string; data: string; id?: string }[]; rest: string } {
  const events: { event: string; data: string; id?: string }[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length) events.push({ event, data: data.join('\n'), id });
  }
  return { events, rest };
}

export function connectLive(options: LiveOptions): LiveHandle {
  const url = options.url ?? '/api/v1/moderation/live';
  const pollMs = options.pollMs ?? 5000;
  const retryMissingMs = options.retryMissingMs ?? 60_000;
  let closed = false;
  let lastEventId: string | undefined;
  let controller: AbortController | undefined;
  let poller: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const startPolling = () => {
    options.onState('polling');
    if (!poller) poller = setInterval(options.refresh, pollMs);
  };
  const stopPolling = () => {
    if (poller) clearInterval(poller);
    poller = undefined;
  };
  const later = (ms: number) => {
    if (!closed) retry = setTimeout(open, ms);
  };

  async function open(): Promise<void> {
    if (closed) return;
    const token = options.token();
    if (!token) return;
    controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    try {
      const response = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok || !response.body) {
        startPolling();
        return later(response.status === 404 ? retryMissingMs : backoff(++failures));
      }
      failures = 0;
      stopPolling();
      options.onState('live');
      options.refresh();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (event.id) lastEventId = event.id;
          if (event.event !== 'queue') continue;
          try {
            options.onChange(JSON.parse(event.data) as QueueChange);
          } catch {
            // a malformed event is skipped; the next refresh corrects the counts
          }
        }
      }
    } catch {
      if (closed) return;
    }
    // The stream ended or failed: poll until it is back.
    startPolling();
    later(backoff(++failures));
  }

  options.onState('connecting');
  void open();
  return {
    close() {
      closed = true;
      controller?.abort();
      stopPolling();
      if (retry) clearTimeout(retry);
    },
  };
}

const backoff = (failures: number) => Math.min(30_000, 1000 * 2 ** Math.min(failures, 5));
