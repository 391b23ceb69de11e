import { DomainError, ImportCommentsInput, ImportedCommentInput, MAX_COMMENT_BODY, MAX_IMPORT_BATCH } from '@app/contracts';
import { disqusVisitor } from './disqus.parser';
import { htmlToPlainText } from './html-text';
import { ThreadMatch } from './import.mapping';
import { ExportHandlers, ImportFormat, ImportProblem, ImportReport, SkipReason, SourcePost, SourceThread } from './imports.types';
import { wordpressVisitor } from './wordpress.parser';
import { readXml, XmlVisitor } from './xml.stream';

/** Where the checked comments go: the comments service's batch import, or the public API in front of it. */
export interface ImportSink {
  submit(storyId: string, input: ImportCommentsInput): Promise<{ imported: number; skipped: number }>;
}

export interface ImportProgress {
  phase: 'check' | 'import';
  posts: number;
  imported: number;
}

export interface ImportOptions {
  format: ImportFormat;
  /** Opens the file from its start: it is read twice (checked whole first, then imported). */
  open: () => AsyncIterable<Buffer | string>;
  match: (thread: SourceThread) => ThreadMatch | undefined;
  dryRun: boolean;
  sink: ImportSink;
  /** Comments per call (at most MAX_IMPORT_BATCH) and bytes of JSON per call (under the gateway's body limit). */
  batchSize?: number;
  maxBatchBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

const SOURCES = { disqus: 'import:disqus', wordpress: 'import:wordpress' } as const;
const VISITORS: Record<ImportFormat, (handlers: ExportHandlers) => XmlVisitor> = { disqus: disqusVisitor, wordpress: wordpressVisitor };
const MAX_LISTED = 100;
const PROGRESS_EVERY = 10_000;

/** One post as pass one left it: what it replies to, and whether (and where) it is imported. */
interface Indexed {
  parent?: string;
  storyId?: string;
  kept: boolean;
  sent?: boolean;
}

interface Batch {
  storyId: string;
  comments: ImportedCommentInput[];
  bytes: number;
}

/**
 * Imports one export in two passes over the file, neither holding it in memory:
 *  1. check: every element is read; a file that is not well-formed XML is refused there
 *     (malformed_import_file, with line and column) before anything is sent, so it changes
 *     nothing. Each post is classified (spam, deleted, unapproved, no story mapped, malformed,
 *     duplicate) and indexed by id with its parent (a few dozen bytes a post);
 *  2. import: read again, the kept posts are converted and sent in batches per story. A reply
 *     whose parent was skipped is attached to its nearest kept ancestor (top level if none).
 * A dry run does the same and the sink counts instead of storing, so already-imported comments
 * are counted too. Sending again what was sent is a no-op (ids and import keys are derived from
 * the export's ids), so an import that stopped halfway is finished by running it again.
 */
export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = Math.min(options.batchSize ?? 200, MAX_IMPORT_BATCH);
  const maxBatchBytes = options.maxBatchBytes ?? 200_000;
  const prefix = `${options.format}:`;
  const report: ImportReport = {
    format: options.format,
    dryRun: options.dryRun,
    threads: { total: 0, matched: 0, unmatched: [] },
    posts: { total: 0, imported: 0, skipped: {} },
    stories: [],
    problems: [],
    elapsedMs: 0,
  };
  const skip = (reason: SkipReason, count: number, problem?: Omit<ImportProblem, 'reason'>) => {
    report.posts.skipped[reason] = (report.posts.skipped[reason] ?? 0) + count;
    if (problem && report.problems.length < MAX_LISTED) report.problems.push({ ...problem, reason });
  };
  const threads = new Map<string, string | null>();
  const stories = new Map<string, ImportReport['stories'][number]>();
  const story = (storyId: string) => {
    let entry = stories.get(storyId);
    if (!entry) stories.set(storyId, (entry = { storyId, threads: 0, imported: 0, alreadyImported: 0 }));
    return entry;
  };
  const posts = new Map<string, Indexed>();
  const aliases = new Map<string, string>();

  // Pass 1: check the whole file, classify and index every post.
  await readXml(
    options.open(),
    VISITORS[options.format]({
      thread(thread) {
        report.threads.total += 1;
        const match = options.match(thread);
        for (const ref of [thread.ref, ...thread.aliases]) threads.set(ref, match?.storyId ?? null);
        if (match) {
          report.threads.matched += 1;
          story(match.storyId).threads += 1;
        } else if (report.threads.unmatched.length < MAX_LISTED) {
          const { ref, identifier, url, slug, title, line } = thread;
          report.threads.unmatched.push({ ref, identifier, url, slug, title, line });
        }
      },
      post(post) {
        report.posts.total += 1;
        if (report.posts.total % PROGRESS_EVERY === 0) options.onProgress?.({ phase: 'check', posts: report.posts.total, imported: 0 });
        const where = { line: post.line, externalId: post.id ? prefix + post.id : undefined };
        if (!post.id) return skip('malformed', 1, { ...where, detail: 'the post has no id' });
        if (posts.has(post.id)) return skip('duplicate', 1, { ...where, detail: 'a post with this id came earlier in the file' });
        for (const alias of post.aliases) aliases.set(alias, post.id);
        const storyId = threads.get(post.threadRef);
        const entry: Indexed = { parent: post.parentRef, kept: false };
        posts.set(post.id, entry);
        if (post.state !== 'ok') return skip(post.state, 1);
        if (storyId === undefined) return skip('malformed', 1, { ...where, detail: `the post names a thread (${post.threadRef || 'none'}) the file does not have` });
        if (storyId === null) return skip('no_story_mapped', 1);
        const problem = checkPost(post, prefix);
        if (problem) return skip('malformed', 1, { ...where, detail: problem });
        entry.kept = true;
        entry.storyId = storyId;
      },
    }),
  );
  options.onProgress?.({ phase: 'check', posts: report.posts.total, imported: 0 });

  /** The nearest kept ancestor in the same story (a skipped parent's place goes to its own parent). */
  const keptParent = (start: string | undefined, storyId: string): string | undefined => {
    let ref = start;
    for (let hops = 0; ref && hops < 10_000; hops += 1) {
      const id: string = posts.has(ref) ? ref : (aliases.get(ref) ?? ref);
      const entry = posts.get(id);
      if (!entry) return undefined;
      if (entry.kept && entry.storyId === storyId) return id;
      if (entry.kept) return undefined;
      ref = entry.parent;
    }
    return undefined;
  };

  // Pass 2: send the kept posts, batch by batch per story.
  const open = new Map<string, Batch>();
  const ready: Batch[] = [];
  let buffered = 0;
  let seen = 0;
  const unavailable = new Set<string>();
  const send = async (batch: Batch) => {
    buffered -= batch.comments.length;
    if (unavailable.has(batch.storyId)) return skip('story_unavailable', batch.comments.length);
    try {
      const result = await options.sink.submit(batch.storyId, { comments: batch.comments, source: SOURCES[options.format], dryRun: options.dryRun || undefined });
      report.posts.imported += result.imported;
      story(batch.storyId).imported += result.imported;
      story(batch.storyId).alreadyImported += result.skipped;
      if (result.skipped) skip('already_imported', result.skipped);
    } catch (error) {
      // A story that is not there (or hidden) takes none of its comments; anything else stops the import.
      if (!(error instanceof DomainError) || !['not_found', 'conflict'].includes(error.kind)) throw error;
      unavailable.add(batch.storyId);
      skip('story_unavailable', batch.comments.length, { line: 0, detail: `story ${batch.storyId}: ${error.code}: ${error.message}` });
    }
    options.onProgress?.({ phase: 'import', posts: seen, imported: report.posts.imported });
  };
  const flush = async () => {
    // Many stories each with a partial batch: send them all rather than hold them (at most
    // 20 batches' worth of comments waits, a few MB; fewer would send many small batches).
    if (buffered > batchSize * 20) {
      ready.push(...open.values());
      open.clear();
    }
    while (ready.length) await send(ready.shift()!);
  };
  await readXml(
    options.open(),
    VISITORS[options.format]({
      thread() {},
      post(post) {
        seen += 1;
        const entry = post.id ? posts.get(post.id) : undefined;
        if (!entry?.kept || entry.sent) return;
        entry.sent = true;
        const storyId = entry.storyId!;
        const { comment, problem } = toComment(post, prefix);
        if (problem) {
          // Only the text tells (a message of nothing but an image or a script): skipped here, and a
          // reply further on goes to this post's own parent.
          entry.kept = false;
          return skip('malformed', 1, { line: post.line, externalId: prefix + post.id, detail: problem });
        }
        const parent = keptParent(entry.parent, storyId);
        const input: ImportedCommentInput = parent ? { ...comment!, parentExternalId: prefix + parent } : comment!;
        const bytes = Buffer.byteLength(JSON.stringify(input)) + 1;
        let batch = open.get(storyId);
        if (batch && batch.bytes + bytes > maxBatchBytes) {
          ready.push(batch);
          batch = undefined;
        }
        if (!batch) open.set(storyId, (batch = { storyId, comments: [], bytes: 64 }));
        batch.comments.push(input);
        batch.bytes += bytes;
        buffered += 1;
        if (batch.comments.length >= batchSize) {
          ready.push(batch);
          open.delete(storyId);
        }
      },
    }),
    flush,
  );
  ready.push(...open.values());
  open.clear();
  await flush();
  report.stories = [...stories.values()];
  report.elapsedMs = Date.now() - started;
  return report;
}

/**
 * What pass one can tell of a post without converting its HTML (the costly part, done once, in
 * pass two): what the comments service would refuse in its id, time or message.
 */
function checkPost(post: SourcePost, prefix: string): string | undefined {
  const problem = checkPostFields(post, prefix);
  if (problem) return problem;
  if (!post.html.trim()) return 'the message has no text';
  // Text is never longer than its HTML, so only a long message needs converting to know.
  if (post.html.length > MAX_COMMENT_BODY) return toComment(post, prefix).problem;
  return undefined;
}

function checkPostFields(post: SourcePost, prefix: string): string | undefined {
  if ((prefix + post.id).length > 200) return 'the id is longer than 200 characters';
  const postedAt = parseSourceTime(post.postedAt);
  if (!postedAt) return `the time ${JSON.stringify(post.postedAt.slice(0, 40))} is not a date-time`;
  if (postedAt.getTime() > Date.now() + 24 * 3600 * 1000) return 'the time is in the future';
  return undefined;
}

/** A post as the comments service takes it, or why it cannot be (what the service would refuse). */
export function toComment(post: SourcePost, prefix: string): { comment?: ImportedCommentInput; problem?: string } {
  const externalId = prefix + post.id;
  const problem = checkPostFields(post, prefix);
  if (problem) return { problem };
  const postedAt = parseSourceTime(post.postedAt)!;
  const body = htmlToPlainText(post.html);
  if (!body) return { problem: 'the message has no text' };
  if (body.length > MAX_COMMENT_BODY) return { problem: `the message is longer than ${MAX_COMMENT_BODY} characters as text` };
  // Disqus writes a name for anonymous guests too; an export without one gets a neutral one.
  const authorName = (post.authorName.trim() || 'Anonymous').slice(0, 200);
  return { comment: { externalId, authorName, postedAt, body } };
}

/**
 * The formats' times: Disqus ISO-8601 (`2012-12-12T12:12:12Z`; a time without a zone is UTC, as
 * in its schema's example), WordPress `YYYY-MM-DD HH:MM:SS` in GMT (wp:comment_date_gmt).
 */
export function parseSourceTime(value: string): Date | undefined {
  const text = value.trim();
  const wordpress = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text);
  const iso = wordpress ? `${wordpress[1]}T${wordpress[2]}Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
