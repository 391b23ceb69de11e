/**
 * Our own filter's model: multinomial naive Bayes over word unigrams and bigrams and character
 * 3- to 5-grams of each word, with Laplace smoothing. Small, pure and serialisable (a trained
 * model is a plain object, to be stored as a versioned document).
 */
export type Label = 'reject' | 'approve';

export interface LabelledExample {
  text: string;
  label: Label;
}

export interface FilterModel {
  version: number;
  trainedAt: string;
  examples: Record<Label, number>;
  /** Feature counts per label, and their totals. */
  counts: Record<Label, Record<string, number>>;
  totals: Record<Label, number>;
  vocabulary: number;
}

const LABELS: Label[] = ['reject', 'approve'];

/** The features of a text: lower-cased words, word pairs, and each word's character 3-5-grams. */
export function features(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}$@']+/gu) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    out.push(`w:${word}`);
    if (i > 0) out.push(`b:${words[i - 1]} ${word}`);
    const padded = `^${word}$`;
    for (let n = 3; n <= 5; n++) for (let k = 0; k + n <= padded.length; k++) out.push(`c:${padded.slice(k, k + n)}`);
  }
  return out;
}

export function train(examples: LabelledExample[], version = 1, now = new Date()): FilterModel {
  const counts: FilterModel['counts'] = { reject: {}, approve: {} };
  const totals = { reject: 0, approve: 0 };
  const seen = { reject: 0, approve: 0 };
  const vocabulary = new Set<string>();
  for (const { text, label } of examples) {
    seen[label]++;
    for (const f of features(text)) {
      counts[label][f] = (counts[label][f] ?? 0) + 1;
      totals[label]++;
      vocabulary.add(f);
    }
  }
  return { version, trainedAt: now.toISOString(), examples: seen, counts, totals, vocabulary: vocabulary.size };
}

/** P(reject | text) in [0, 1]; 0.5 when the model has not seen both labels. */
export function probabilityOfReject(model: FilterModel, text: string): number {
  if (!model.examples.reject || !model.examples.approve) return 0.5;
  const all = model.examples.reject + model.examples.approve;
  const log: Record<Label, number> = { reject: 0, approve: 0 };
  for (const label of LABELS) {
    log[label] = Math.log(model.examples[label] / all);
    const denominator = model.totals[label] + model.vocabulary + 1;
    for (const f of features(text)) {
      // Features never seen in training say nothing either way.
      if (model.counts.reject[f] === undefined && model.counts.approve[f] === undefined) continue;
      log[label] += Math.log(((model.counts[label][f] ?? 0) + 1) / denominator);
    }
  }
  // Softmax of the two log-likelihoods, stable for large magnitudes.
  const diff = log.approve - log.reject;
  return diff > 50 ? 0 : diff < -50 ? 1 : 1 / (1 + Math.exp(diff));
}

export interface Evaluation {
  train: number;
  test: number;
  at: { threshold: number; precision: number; recall: number; flagged: number }[];
}

/** Precision and recall of "reject" at each threshold, on a held-out share of the examples (a seeded shuffle). */
export function evaluate(examples: LabelledExample[], thresholds: number[], { testShare = 0.25, seed = 1 } = {}): Evaluation {
  const shuffled = [...examples];
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const cut = Math.floor(shuffled.length * (1 - testShare));
  const model = train(shuffled.slice(0, cut));
  const test = shuffled.slice(cut).map((e) => ({ ...e, p: probabilityOfReject(model, e.text) }));
  return {
    train: cut,
    test: test.length,
    at: thresholds.map((threshold) => {
      const flagged = test.filter((e) => e.p >= threshold);
      const truePositives = flagged.filter((e) => e.label === 'reject').length;
      const positives = test.filter((e) => e.label === 'reject').length;
      return { threshold, precision: flagged.length ? truePositives / flagged.length : 1, recall: positives ? truePositives / positives : 1, flagged: flagged.length };
    }),
  };
}
