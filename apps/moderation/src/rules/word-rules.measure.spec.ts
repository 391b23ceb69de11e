// The word rules' targets (issue 15), on the public lists, with the service's default settings.
// `npm run words:measure` prints the same figures as a table.
import { loadConfig } from '@app/config';
import { ModerationConfig } from '../moderation.config';
import { ruleSettingsFrom } from './rule-settings';
import { measureWordRules, WordRulesFigures } from './word-rules.measure';

describe('the word rules on public word lists (default settings)', () => {
  let figures: WordRulesFigures;

  beforeAll(() => {
    figures = measureWordRules(ruleSettingsFrom(loadConfig(ModerationConfig, { SERVICE_AUTH_SECRET: 'only the rule settings are read here' })));
  }, 120_000);

  it('reject or hold at least 90% of each list, every word in a plain sentence', () => {
    for (const list of figures.lists) expect({ list: list.list, recall: list.recall >= 0.9 }).toEqual({ list: list.list, recall: true });
  });

  it('reject none of the news vocabulary and names', () => {
    expect(figures.news.entries).toBeGreaterThanOrEqual(200);
    expect(figures.news.rejected).toEqual([]);
  });

  it('approve the five news sentences that the substring rules stopped', () => {
    expect(figures.sentences.map((s) => [s.text, s.decision])).toEqual(figures.sentences.map((s) => [s.text, 'approve']));
  });

  // 0.03% of the dictionary is 82 words, but LDNOOBW alone has 172 terms that are dictionary words:
  // 90% recall flags at least 132 of them (0.048%), so "≤ 0.03% flagged" and "≥ 90% recall" cannot
  // both hold. The 0.03% bound is kept on what is a false alarm: a flagged word that is on neither
  // list and is not an inflection or compound of a listed term ("bitchiest", "whoremonger" are
  // flagged rightly though no list names them). The wider shares are bounded too.
  it('flag at most 0.03% of dictionary words wrongly (neither listed nor a listed word inflected or compounded)', () => {
    expect(figures.dictionary.words).toBe(274_937);
    expect(figures.dictionary.unrelatedShare).toBeLessThanOrEqual(0.0003);
    expect(figures.dictionary.falseAlarmShare).toBeLessThanOrEqual(0.001);
    expect(figures.dictionary.share).toBeLessThanOrEqual(0.002);
  });

  it('count inflections as related only when a listed word of four letters or more is in them', () => {
    // The classification is what the bound above rests on: spot-check both sides of it.
    expect(figures.dictionary.falseAlarms).toEqual(expect.arrayContaining(['bitchiest', 'whoremonger', 'bullshitter']));
    expect(figures.dictionary.unrelated).not.toEqual(expect.arrayContaining(['bitchiest']));
    expect(figures.dictionary.unrelated).toEqual(expect.arrayContaining(['moron', 'liar']));
  });
});
