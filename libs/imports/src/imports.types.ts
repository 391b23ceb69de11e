/** The export formats we read. */
export const IMPORT_FORMATS = ['disqus', 'wordpress'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A discussion in the export (a Disqus `<thread>`, a WordPress `<item>`): what a mapping matches on. */
export interface SourceThread {
  /** How the export's posts refer to it: Disqus `dsq:id` (and `<id>`), or the item's place in a WXR file. */
  ref: string;
  /** Other refs posts may use for the same thread (a Disqus thread's `<id>`, referred to by a post's `<thread>` text). */
  aliases: string[];
  identifier?: string;
  url?: string;
  slug?: string;
  title?: string;
  line: number;
}

/** Why a post of the export is not imported. */
export type SkipReason =
  | 'spam'
  | 'deleted'
  | 'unapproved'
  | 'not_a_comment'
  | 'no_story_mapped'
  | 'story_unavailable'
  | 'malformed'
  | 'duplicate'
  | 'already_imported';

/** A comment in the export, as read (before it is checked). */
export interface SourcePost {
  /** Its id in the export (Disqus `dsq:id`, WordPress `wp:comment_id`); empty when missing. */
  id: string;
  /** Other ids a reply may name it by (a Disqus post's `<id>`). */
  aliases: string[];
  threadRef: string;
  parentRef?: string;
  authorName: string;
  /** The time as written in the file (ISO-8601 for Disqus, `YYYY-MM-DD HH:MM:SS` GMT for WordPress). */
  postedAt: string;
  html: string;
  /** What the export says about it: only `ok` is imported. */
  state: 'ok' | 'spam' | 'deleted' | 'unapproved' | 'not_a_comment';
  line: number;
}

/** What the parsers hand over, in file order. */
export interface ExportHandlers {
  thread(thread: SourceThread): void;
  post(post: SourcePost): void;
}

/** A problem with one post (or thread), reported with where it is in the file. */
export interface ImportProblem {
  line: number;
  externalId?: string;
  reason: SkipReason;
  detail: string;
}

/** What an import (or its dry run) did. */
export interface ImportReport {
  format: ImportFormat;
  dryRun: boolean;
  threads: {
    total: number;
    matched: number;
    /** Threads no mapping entry matched (the first 100). */
    unmatched: { ref: string; identifier?: string; url?: string; slug?: string; title?: string; line: number }[];
  };
  posts: {
    total: number;
    /** Stored by this run (on a dry run: would be stored). */
    imported: number;
    skipped: Partial<Record<SkipReason, number>>;
  };
  /** Per story: what it got (on a dry run: would get). */
  stories: { storyId: string; threads: number; imported: number; alreadyImported: number }[];
  /** The first 100 posts skipped for a reason worth a look (malformed, duplicate, unavailable story), with their line. */
  problems: ImportProblem[];
  elapsedMs: number;
}
