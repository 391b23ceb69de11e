// Measures the word rules on public word lists (devDependencies; the service never loads this
// file): `npm run words:measure` prints it, word-rules.measure.spec.ts holds the targets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommentUnderReview, review, RuleSettings } from './moderation.rules';

/** The sentence every listed word is put into (issue 15's measurement). */
export const sentenceWith = (word: string) => `Honestly I think ${word} is what the council should talk about tonight.`;

export interface ListFigures {
  list: string;
  terms: number;
  caught: number;
  recall: number;
  missed: string[];
}

export interface DictionaryFigures {
  words: number;
  rejected: number;
  held: number;
  share: number;
  /** Flagged words on neither public list: the false alarms. */
  falseAlarms: string[];
  falseAlarmShare: number;
  /**
   * The false alarms that are not a listed term's inflection or compound either (a listed term of
   * four letters or more inside the word: "bitchiest", "bullshitter", "whoremonger"): what a
   * reader would call a wrong alarm.
   */
  unrelated: string[];
  unrelatedShare: number;
}

export interface WordRulesFigures {
  lists: ListFigures[];
  dictionary: DictionaryFigures;
  news: { entries: number; rejected: string[]; held: string[] };
  sentences: { text: string; decision: string; evidence: string }[];
}

/** The sentences issue 15 found wrongly stopped: each must be approved. */
export const NEWS_SENTENCES = [
  'The hospital ran out of analgesics during the storm.',
  'The auxiliary police were familiar with the area.',
  'The rape trial of the former mayor starts Monday.',
  'Alan Cumming was at the Bushnell last night.',
  'A peculiar assortment of billiards tables.',
];

const input = (body: string): CommentUnderReview => ({ body, story: { preModeration: false }, author: { approvedCount: 100, premoderated: false, recentBodies: [] } });

export const newsVocabulary = (): string[] =>
  readFileSync(join(__dirname, 'word-rules.news-vocabulary.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

export function measureWordRules(settings: RuleSettings): WordRulesFigures {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ldnoobw: string[] = require('naughty-words/en.json');
  const badwords: string[] = require('badwords-list').array;
  const dictionary: string[] = require('an-array-of-english-words');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const decide = (text: string) => review(input(text), settings);

  const lists = [
    ['LDNOOBW English (naughty-words 1.2.0)', ldnoobw],
    ['badwords-list 1.0.0', badwords],
  ].map(([list, terms]) => {
    const missed = (terms as string[]).filter((term) => decide(sentenceWith(term)).decision === 'approve');
    const caught = terms.length - missed.length;
    return { list: list as string, terms: terms.length, caught, recall: caught / terms.length, missed };
  });

  const listed = new Set([...ldnoobw, ...badwords].map((t) => t.toLowerCase()));
  let rejected = 0;
  let held = 0;
  const falseAlarms: string[] = [];
  for (const word of dictionary) {
    const { decision } = decide(sentenceWith(word));
    if (decision === 'approve') continue;
    if (decision === 'reject') rejected++;
    else held++;
    if (!listed.has(word)) falseAlarms.push(word);
  }
  const stems = [...listed].filter((t) => t.length >= 4 && /^[a-z]+$/.test(t));
  const unrelated = falseAlarms.filter((word) => !stems.some((stem) => word.includes(stem)));

  const news = { entries: 0, rejected: [] as string[], held: [] as string[] };
  for (const entry of newsVocabulary()) {
    news.entries++;
    const { decision } = decide(sentenceWith(entry));
    if (decision === 'reject') news.rejected.push(entry);
    if (decision === 'hold') news.held.push(entry);
  }

  return {
    lists,
    dictionary: {
      words: dictionary.length,
      rejected,
      held,
      share: (rejected + held) / dictionary.length,
      falseAlarms,
      falseAlarmShare: falseAlarms.length / dictionary.length,
      unrelated,
      unrelatedShare: unrelated.length / dictionary.length,
    },
    news,
    sentences: NEWS_SENTENCES.map((text) => ({ text, ...decide(text) })),
  };
}

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

/** The figures as the table issue 15 asks for. */
export function formatWordRules(f: WordRulesFigures): string {
  const d = f.dictionary;
  return [
    '| filter | ' + f.lists.map((l) => `recall on ${l.list}, ${l.terms} terms`).join(' | ') + ` | words of an-array-of-english-words 2.0.0 flagged (${d.words}) | of which on neither list | of those, not a listed term's inflection or compound (false alarms) | news vocabulary (${f.news.entries}) rejected |`,
    '|---|' + f.lists.map(() => '---|').join('') + '---|---|---|---|',
    `| our rules (reject or hold), default settings | ${f.lists.map((l) => `${pct(l.recall)} (${l.caught})`).join(' | ')} | ${pct(d.share, 3)} (${d.rejected} rejected, ${d.held} held) | ${pct(d.falseAlarmShare, 3)} (${d.falseAlarms.length}) | ${pct(d.unrelatedShare, 3)} (${d.unrelated.length}) | ${f.news.rejected.length} (${f.news.held.length} held) |`,
    '',
    ...f.sentences.map((s) => `${s.decision.padEnd(8)} ${s.text}  [${s.evidence}]`),
    '',
    ...f.lists.map((l) => `missed on ${l.list}: ${l.missed.join(', ')}`),
    `false alarms: ${d.falseAlarms.join(', ')}`,
    `of which neither a listed term's inflection nor a compound with one: ${pct(d.unrelatedShare, 3)} (${d.unrelated.length}): ${d.unrelated.join(', ')}`,
    `news entries held: ${f.news.held.join(', ') || 'none'}`,
    `news entries rejected: ${f.news.rejected.join(', ') || 'none'}`,
  ].join('\n');
}
