import {
  DataSet,
  englishDataset,
  englishRecommendedTransformers,
  pattern,
  RegExpMatcher,
} from 'obscenity';

/** A word list match: which listed word, and where in the text. */
export interface WordMatch {
  word: string;
  /** The text as written, e.g. "f u c k" or "sh1t". */
  found: string;
}

/**
 * Word lists matched the way evaders write: case, l33t and look-alike letters, repeated letters
 * (obscenity's transformers), plus letters spaced or dotted apart ("f u c k", "f.u.c.k"), which
 * obscenity does not undo on its own: we also match a copy of the text with such runs joined.
 */
export class WordMatcher {
  private readonly matcher: RegExpMatcher;
  private readonly dataset: DataSet<{ originalWord: string }>;

  constructor(words: string[], { includeEnglishProfanity = false } = {}) {
    this.dataset = new DataSet<{ originalWord: string }>();
    if (includeEnglishProfanity) this.dataset.addAll(englishDataset);
    for (const word of words.map((w) => w.trim().toLowerCase()).filter(Boolean)) {
      const escaped = word.replace(/[[\]()|?\\]/g, '');
      this.dataset.addPhrase((phrase) => phrase.setMetadata({ originalWord: word }).addPattern(pattern`${escaped}`));
    }
    this.matcher = new RegExpMatcher({ ...this.dataset.build(), ...englishRecommendedTransformers });
  }

  /** The first listed word found in the text, or undefined. */
  find(text: string): WordMatch | undefined {
    for (const candidate of variants(text)) {
      const [match] = this.matcher.getAllMatches(candidate, true);
      if (match) {
        const { phraseMetadata } = this.dataset.getPayloadWithPhraseMetadata(match);
        return { word: phraseMetadata?.originalWord ?? candidate.slice(match.startIndex, match.endIndex + 1), found: candidate.slice(match.startIndex, match.endIndex + 1) };
      }
    }
    return undefined;
  }
}

/** The text as written, then with spaced-out letters joined, then with letter runs squeezed. */
function variants(text: string): string[] {
  const joined = text.replace(/\b(?:[\p{L}\d@$][\s.\-_*]+){2,}[\p{L}\d@$]\b/gu, (run) => run.replace(/[\s.\-_*]+/g, ''));
  const squeezed = joined.replace(/(\p{L})\1+/gu, '$1');
  return [...new Set([text, joined, squeezed])];
}
