import { isUUID } from 'class-validator';
import { invalidMapping } from './imports.errors';
import { SourceThread } from './imports.types';

/**
 * Which of our stories each thread of the export belongs to, given by the admin: by the
 * thread's identifier (Disqus `<thread><id>`, WordPress `wp:post_id`), its URL (Disqus
 * `<link>`, WordPress `<link>`) or its slug (WordPress `wp:post_name`; for Disqus the last
 * segment of the link's path). Tried in that order; a thread none matches is skipped.
 */
export interface ImportMapping {
  byIdentifier?: Record<string, string>;
  byUrl?: Record<string, string>;
  bySlug?: Record<string, string>;
}

export interface ThreadMatch {
  storyId: string;
  by: 'identifier' | 'url' | 'slug';
}

const KINDS = ['byIdentifier', 'byUrl', 'bySlug'] as const;

/** Checks a mapping (as parsed from JSON) and builds its look-up; invalid_import_mapping otherwise. */
export function parseMapping(raw: unknown): (thread: SourceThread) => ThreadMatch | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidMapping('must be an object with byIdentifier, byUrl and/or bySlug');
  const unknown = Object.keys(raw).filter((key) => !(KINDS as readonly string[]).includes(key));
  if (unknown.length) throw invalidMapping(`has unknown keys (${unknown.join(', ')}): only byIdentifier, byUrl, bySlug`);
  const tables = new Map<string, Map<string, string>>();
  let entries = 0;
  for (const kind of KINDS) {
    const table = (raw as Record<string, unknown>)[kind];
    if (table === undefined) continue;
    if (!table || typeof table !== 'object' || Array.isArray(table)) throw invalidMapping(`${kind} must be an object of key → story id`);
    const lookup = new Map<string, string>();
    for (const [key, storyId] of Object.entries(table)) {
      if (typeof storyId !== 'string' || !isUUID(storyId)) throw invalidMapping(`${kind}[${JSON.stringify(key)}] must be a story id (a UUID)`);
      lookup.set(kind === 'byUrl' ? normalizeUrl(key) : key.trim(), storyId.toLowerCase());
      entries += 1;
    }
    tables.set(kind, lookup);
  }
  if (!entries) throw invalidMapping('maps no thread to a story');
  return (thread) => {
    const identifier = thread.identifier && tables.get('byIdentifier')?.get(thread.identifier);
    if (identifier) return { storyId: identifier, by: 'identifier' };
    const url = thread.url && tables.get('byUrl')?.get(normalizeUrl(thread.url));
    if (url) return { storyId: url, by: 'url' };
    const slug = (thread.slug ?? slugOf(thread.url)) && tables.get('bySlug')?.get((thread.slug ?? slugOf(thread.url))!);
    if (slug) return { storyId: slug, by: 'slug' };
    return undefined;
  };
}

/** A URL compared without its scheme, query, fragment, `www.` and trailing slash; the host in lower case. */
export function normalizeUrl(value: string): string {
  try {
    const url = new URL(value.trim());
    return `${url.host.toLowerCase().replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return value.trim();
  }
}

/** The last segment of a URL's path (a story's slug in most newsroom URL schemes). */
function slugOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).pathname.split('/').filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

/** A mapping as the admin writes it (JSON text: a file for the command, a query parameter for the route). */
export function parseMappingText(text: string): (thread: SourceThread) => ThreadMatch | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidMapping('is not JSON');
  }
  return parseMapping(raw);
}
