import { CommentUnderReview, review, RuleSettings } from './moderation.rules';
import { WordMatcher } from './word-matcher';

const settings: RuleSettings = {
  banned: new WordMatcher(['scumbag'], { includeEnglishProfanity: true }),
  suspect: new WordMatcher(['moron']),
  newCommenterThreshold: 2,
  shoutingRatio: 0.7,
  junkRunLength: 10,
};

const comment = (body: string, overrides: Partial<CommentUnderReview> = {}): CommentUnderReview => ({
  body,
  story: { preModeration: false },
  author: { approvedCount: 5, premoderated: false, recentBodies: [] },
  ...overrides,
});

describe('review', () => {
  it('approves what no rule objects to', () => {
    expect(review(comment('When will Malloy bring in the National Guard into Hartford?'), settings)).toEqual({
      rule: 'clean',
      decision: 'approve',
      evidence: 'no rule objected',
    });
  });

  it.each([
    ['banned word', comment('you s c u m b a g'), 'banned_words', 'reject'],
    ['repeat', comment('Same  words', { author: { approvedCount: 5, premoderated: false, recentBodies: ['same words'] } }), 'repeat', 'reject'],
    ['suspect word', comment('what a m0r0n'), 'suspect_words', 'hold'],
    ['link', comment('read more at https://example.com/x'), 'links', 'hold'],
    ['bare domain', comment('see cheap-pills.ru now'), 'links', 'hold'],
    ['shouting', comment('WAKE UP CT!! RESCIND THE ANTI-CONSTITUTIONAL LAWS'), 'shouting', 'hold'],
    ['junk', comment('nooooooooooooooo'), 'junk', 'hold'],
    ['story pre-moderation', comment('fine words', { story: { preModeration: true } }), 'story_premoderation', 'hold'],
    ['unknown story', comment('fine words', { story: null }), 'unknown_story', 'hold'],
    ['sanction', comment('fine words', { author: { approvedCount: 5, premoderated: true, recentBodies: [] } }), 'author_premoderation', 'hold'],
    ['new commenter', comment('fine words', { author: { approvedCount: 1, premoderated: false, recentBodies: [] } }), 'new_commenter', 'hold'],
  ])('%s', (_name, input, rule, decision) => {
    const verdict = review(input, settings);
    expect(verdict).toMatchObject({ rule, decision });
    expect(verdict.evidence.length).toBeGreaterThan(5);
  });

  it('applies the rules in order: a banned word rejects even on a pre-moderated story', () => {
    expect(review(comment('sh1t story', { story: { preModeration: true } }), settings).rule).toBe('banned_words');
  });

  it('lets a few capitals and short shouts through', () => {
    expect(review(comment('WoW! You mean all of those wonderful firearms restrictions did nothing?'), settings).decision).toBe('approve');
    expect(review(comment('WOW!'), settings).decision).toBe('approve');
  });
});
