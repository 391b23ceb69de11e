import { WordCategory, WordMatcher } from './word-matcher';

const REJECTS = new Set<WordCategory>(['obscenity', 'slur']);

export type Decision = 'approve' | 'hold' | 'reject';

export const RULES = [
  'banned_words',
  'repeat',
  'suspect_words',
  'links',
  'shouting',
  'junk',
  'unknown_story',
  'story_premoderation',
  'author_premoderation',
  'new_commenter',
  /** The scorers' thresholds (scoring/scoring.rules.ts), after the rules above. */
  'scores',
] as const;
export type RuleName = (typeof RULES)[number] | 'clean';

/** One rule's finding: what it decided and the evidence, for the audit trail and the author. */
export interface RuleVerdict {
  rule: RuleName;
  decision: Decision;
  evidence: string;
}

export interface CommentUnderReview {
  body: string;
  /** null when moderation has not (yet) heard of the story: held, since its policy is unknown. */
  story: { preModeration: boolean } | null;
  author: {
    /** At least this many approved comments; exact whenever it is below the new-commenter threshold. */
    approvedCount: number;
    premoderated: boolean;
    /** What put the reader under pre-moderation, for the evidence (e.g. "a pre-moderation sanction until …"). */
    premoderatedBecause?: string;
    /** Bodies this author posted within the repeat window, newest first. */
    recentBodies: string[];
  };
}

export interface RuleSettings {
  banned: WordMatcher;
  suspect: WordMatcher;
  /** A reader with fewer approved comments than this is held (new-commenter pre-moderation). */
  newCommenterThreshold: number;
  /** Share of letters in capitals above which a comment is shouting (only for ≥ 20 letters). */
  shoutingRatio: number;
  /** A run of the same character this long is junk. */
  junkRunLength: number;
}

const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|io|ly|co)\b\S*/i;

const normalize = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The automatic rules, in their documented order. The first rule that rejects or holds decides;
 * a comment no rule stops is approved. Every verdict names its rule and its evidence.
 */
export function review(comment: CommentUnderReview, settings: RuleSettings): RuleVerdict {
  // Obscenities and slurs reject; the list's sensitive words, and news words aimed at a person, hold below.
  const banned = settings.banned.find(comment.body);
  if (banned && REJECTS.has(banned.category)) {
    return { rule: 'banned_words', decision: 'reject', evidence: `banned word "${banned.word}" (written "${banned.found}"; ${banned.category})` };
  }

  const text = normalize(comment.body);
  if (comment.author.recentBodies.some((body) => normalize(body) === text)) {
    return { rule: 'repeat', decision: 'reject', evidence: 'the same text was posted by the same reader moments ago' };
  }

  const suspect = settings.suspect.find(comment.body) ?? banned;
  if (suspect) {
    const why = suspect.category === 'listed' ? '' : `; ${suspect.category}${suspect.context ? `, ${suspect.context}` : ''}`;
    return { rule: 'suspect_words', decision: 'hold', evidence: `suspect word "${suspect.word}" (written "${suspect.found}"${why})` };
  }

  const link = LINK.exec(comment.body);
  if (link) return { rule: 'links', decision: 'hold', evidence: `contains a link: ${link[0].slice(0, 100)}` };

  const letters = comment.body.match(/\p{L}/gu) ?? [];
  const capitals = comment.body.match(/\p{Lu}/gu) ?? [];
  if (letters.length >= 20 && capitals.length / letters.length > settings.shoutingRatio) {
    return { rule: 'shouting', decision: 'hold', evidence: `${Math.round((100 * capitals.length) / letters.length)}% of the letters are capitals` };
  }

  const run = new RegExp(`(.)\\1{${settings.junkRunLength - 1},}`, 'u').exec(comment.body);
  if (run) return { rule: 'junk', decision: 'hold', evidence: `"${run[1]}" repeated ${run[0].length} times` };

  if (!comment.story) return { rule: 'unknown_story', decision: 'hold', evidence: 'the story is not known to moderation (yet): its policy cannot be checked' };
  if (comment.story.preModeration) return { rule: 'story_premoderation', decision: 'hold', evidence: 'the story is pre-moderated' };
  if (comment.author.premoderated) {
    return { rule: 'author_premoderation', decision: 'hold', evidence: comment.author.premoderatedBecause ?? 'the reader is under pre-moderation' };
  }
  if (comment.author.approvedCount < settings.newCommenterThreshold) {
    return {
      rule: 'new_commenter',
      decision: 'hold',
      evidence: `the reader has ${comment.author.approvedCount} approved comments; ${settings.newCommenterThreshold} are needed to skip the queue`,
    };
  }
  return { rule: 'clean', decision: 'approve', evidence: 'no rule objected' };
}
