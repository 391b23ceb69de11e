import { CommentUnderReview, review, RuleSettings } from './moderation.rules';
import { WordMatcher } from './word-matcher';

const settings: RuleSettings = {
  banned: new WordMatcher(['scumbag'], { includeEnglishProfanity: true }),
  suspect: new WordMatcher(['moron'], { category: 'listed' }),
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
    ['suspect word, plural', comment('you are all morons'), 'suspect_words', 'hold'],
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

describe('review of the word categories', () => {
  it.each([
    ['a news word aimed at a person is held', 'you are a rapist', 'suspect_words', 'hold', 'aimed at a person'],
    ['a sensitive word is held', 'a topless protest downtown', 'suspect_words', 'hold', 'sensitive'],
    ['a slur is rejected', 'what a raghead', 'banned_words', 'reject', 'slur'],
    ['a news word alone is approved', 'The rape trial starts Monday.', 'clean', 'approve', 'no rule objected'],
    ['the suspect list is matched as whole words', 'The auxiliary police were familiar with the area.', 'clean', 'approve', 'no rule objected'],
  ])('%s', (_name, body, rule, decision, evidence) => {
    const verdict = review(comment(body), settings);
    expect(verdict).toMatchObject({ rule, decision });
    expect(verdict.evidence).toContain(evidence);
  });
});
