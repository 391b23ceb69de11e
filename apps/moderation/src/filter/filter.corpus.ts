/**
 * A generated corpus whose spam/abuse and clean parts are known, for the filter's tests and
 * `npm run filter:evaluate`: comments built from separate vocabularies, with shared filler words
 * and a share of clean comments that borrow a word from the other side (so it is not trivial).
 */
import { LabelledExample } from './filter.classifier';

const FILLER = ['the', 'a', 'this', 'is', 'and', 'of', 'to', 'in', 'it', 'for', 'on', 'that', 'with', 'really', 'just', 'about'];
const CLEAN = ['council', 'budget', 'mayor', 'school', 'vote', 'road', 'tax', 'report', 'library', 'hospital', 'police', 'park', 'meeting', 'plan', 'figures', 'residents', 'thanks', 'article', 'question', 'agree', 'disagree', 'hearing', 'transit', 'housing'];
const SPAM = ['cheap', 'pills', 'discount', 'casino', 'bonus', 'winner', 'click', 'offer', 'crypto', 'loans', 'free', 'prize', 'viagra', 'earn', 'weekly', 'guaranteed', 'followers', 'deal'];
const ABUSE = ['worthless', 'pathetic', 'clown', 'loser', 'disgusting', 'shut', 'trash', 'scum', 'vermin', 'idiots'];

function generator(seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  return { random, pick };
}

export function generatedCorpus(size = 2_000, seed = 7): LabelledExample[] {
  const { random, pick } = generator(seed);
  const examples: LabelledExample[] = [];
  for (let i = 0; i < size; i++) {
    const bad = random() < 0.3;
    const words: string[] = [];
    const length = 6 + Math.floor(random() * 12);
    const own = bad ? (random() < 0.5 ? SPAM : ABUSE) : CLEAN;
    for (let k = 0; k < length; k++) words.push(random() < 0.45 ? pick(FILLER) : random() < 0.85 ? pick(own) : pick(CLEAN));
    if (!bad && random() < 0.1) words.push(pick(random() < 0.5 ? SPAM : ABUSE)); // a clean comment quoting a bad word
    examples.push({ text: words.join(' '), label: bad ? 'reject' : 'approve' });
  }
  return examples;
}
