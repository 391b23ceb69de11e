import { ALLOWED, ALLOWED_PREFIXES, INFLECTED_SHORT, NAMES, NEWS, OBSCENITY, ROOTS, SENSITIVE, SLURS } from './word-list';

/**
 * What a listed word is, and so what the rules do with it: obscenities and slurs reject; words
 * the news uses are held only when aimed at a person; sensitive words and a list's own words
 * (suspect words) hold.
 */
export type WordCategory = 'obscenity' | 'slur' | 'news' | 'sensitive' | 'listed';

/** A word list match: which listed word, and where in the text. */
export interface WordMatch {
  word: string;
  /** The text as written, e.g. "f u c k" or "sh1t". */
  found: string;
  category: WordCategory;
  /** Why a news word counts here, e.g. 'aimed at a person ("you")'. */
  context?: string;
}

export interface WordMatcherOptions {
  /** Adds the built-in English list (word-list.ts), each word with its category. */
  includeEnglishProfanity?: boolean;
  /** The category of the words passed in (the banned list: obscenity; the suspect list: listed). */
  category?: WordCategory;
}

/** Cyrillic and Greek letters that look Latin ("fսck", "shіt"); NFKC already folds full-width and math letters. */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i',
  ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ս: 'u', α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't',
  υ: 'u', χ: 'x', ɡ: 'g', ı: 'i',
};
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i', '+': 't', '|': 'l' };
const SECOND_PERSON = new Set(['you', 'your', 'youre', "you're", 'you’re', 'yours', 'yourself', 'ur', 'u', 'ya', 'thou']);
/** Endings a listed word takes ("bastards", "shagged", "wanking", "bitchy"): the stem must be listed. */
const ENDINGS = ['ings', 'ing', 'ers', 'er', 'ed', 'es', 's', 'y', 'in', 'z'];
const SEPARATORS = /[-_.*'’]/g;
/** A token: letters, digits and the symbols evaders put in words ("$hit", "b!tch", "a_s_s"). */
const TOKEN = /[\p{L}\p{N}@$!+|*&_'’-]+/gu;
const EDGE = /^[!'’_*&|+-]+|[!'’_*&|+-]+$/g;

interface Token {
  /** As written (for the evidence and the name test). */
  raw: string;
  /** Lower case, possessive dropped. */
  lower: string;
  sentence: number;
}

const rank: Record<WordCategory, number> = { obscenity: 0, slur: 0, listed: 1, sensitive: 1, news: 2 };

/**
 * Word lists matched word by word, the way evaders write: case, l33t and look-alike letters,
 * accents, repeated letters, letters spaced or dotted apart ("f u c k", "f.u.c.k"); whole words
 * and their inflections only, so "analgesics", "auxiliary" and "assortment" are left alone.
 */
export class WordMatcher {
  private readonly words = new Map<string, WordCategory>();
  /** Listed words with their letter runs squeezed ("asshole" → "ashole"), for texts that repeat letters. */
  private readonly squeezedWords = new Map<string, string>();
  /** Phrases by their first word: "blow job" → ["blow", "job"]. */
  private readonly phrases = new Map<string, string[][]>();
  private readonly roots: string[];
  private readonly names: Set<string>;
  private readonly allowed: Set<string>;
  private readonly allowedPrefixes: string[];
  private readonly inflectedShort: Set<string>;

  constructor(words: string[], { includeEnglishProfanity = false, category = 'obscenity' }: WordMatcherOptions = {}) {
    if (includeEnglishProfanity) {
      for (const [list, listCategory] of [[OBSCENITY, 'obscenity'], [SLURS, 'slur'], [SENSITIVE, 'sensitive'], [NEWS, 'news']] as const) {
        for (const word of list) this.add(word, listCategory);
      }
    }
    for (const word of words.map((w) => w.trim().toLowerCase()).filter(Boolean)) this.add(word, category);
    this.roots = includeEnglishProfanity ? ROOTS : [];
    this.names = new Set(includeEnglishProfanity ? NAMES : []);
    this.allowed = new Set(includeEnglishProfanity ? ALLOWED : []);
    this.allowedPrefixes = includeEnglishProfanity ? ALLOWED_PREFIXES : [];
    this.inflectedShort = new Set(INFLECTED_SHORT);
  }

  private add(word: string, category: WordCategory): void {
    const parts = word.split(/\s+/);
    if (parts.length > 1) {
      const list = this.phrases.get(parts[0]!) ?? [];
      list.push(parts);
      this.phrases.set(parts[0]!, list);
    }
    const key = parts.join('');
    // A word in two lists takes the stronger category (a banned word also on the suspect list rejects).
    const current = this.words.get(key);
    if (!current || rank[category] < rank[current]) this.words.set(key, category);
    this.squeezedWords.set(squeeze(key), key);
  }

  /** The strongest listed word found in the text (reject before hold), or undefined. */
  find(text: string): WordMatch | undefined {
    let best: WordMatch | undefined;
    for (const match of this.findAll(text)) {
      if (!best || rank[match.category] < rank[best.category]) best = match;
      if (rank[best.category] === 0) break;
    }
    return best;
  }

  private *findAll(text: string): Generator<WordMatch> {
    const tokens = tokenize(text);
    const aimedAt = new Map<number, string>();
    for (const token of tokens) if (SECOND_PERSON.has(token.lower)) aimedAt.set(token.sentence, token.raw);

    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const found = this.phraseAt(tokens, i) ?? this.lookUp(token);
      if (!found) continue;
      const category = this.words.get(found.word) ?? 'obscenity';
      if (category === 'news') {
        const who = aimedAt.get(token.sentence);
        if (who) yield { word: found.word, found: found.found, category, context: `aimed at a person ("${who}")` };
        continue;
      }
      yield { word: found.word, found: found.found, category };
    }
  }

  private phraseAt(tokens: Token[], i: number): { word: string; found: string } | undefined {
    for (const phrase of this.phrases.get(tokens[i]!.lower) ?? []) {
      if (phrase.every((part, k) => tokens[i + k]?.lower === part)) {
        return { word: phrase.join(''), found: tokens.slice(i, i + phrase.length).map((t) => t.raw).join(' ') };
      }
    }
    return undefined;
  }

  private lookUp(token: Token): { word: string; found: string } | undefined {
    if (this.allowed.has(token.lower)) return undefined;
    // A listed name written as one (Cumming, Dick) is a person or a place, not the word.
    if (/^\p{Lu}\p{Ll}/u.test(token.raw) && this.names.has(token.lower)) return undefined;
    for (const form of forms(token.lower)) {
      if (this.allowed.has(form) || this.allowedPrefixes.some((p) => form.startsWith(p))) return undefined;
      const repeated = /(\p{L})\1\1/u.test(form);
      const word = this.wordOf(form) ?? (repeated ? this.squeezedWordOf(squeeze(form)) : undefined);
      if (word) return { word, found: token.raw };
      const root = this.roots.find((r) => form.includes(r) || (repeated && squeeze(form).includes(r)));
      if (root) return { word: root, found: token.raw };
    }
    return undefined;
  }

  /** The listed word this form is, or is an inflection of. */
  private wordOf(form: string): string | undefined {
    if (this.words.has(form)) return form;
    for (const ending of ENDINGS) {
      if (!form.endsWith(ending)) continue;
      const stem = form.slice(0, -ending.length);
      // "assess" is not "asses" + s; "masturbating" is "masturbate" - e + ing.
      if (ending.startsWith('s') && stem.endsWith('s')) continue;
      const candidates = [stem, stem.replace(/(.)\1$/, '$1')];
      if (/^(?:ing|ed|er|ers)$/.test(ending)) candidates.push(stem + 'e');
      for (const candidate of candidates) {
        // Obscenities, slurs and a list's own words inflect ("idiots", "liars"); the built-in list's
        // short words inflect too freely ("spaced", "spicy", "booby"), its sensitive and news words never.
        const category = this.words.get(candidate);
        if (category === 'listed' && candidate.length >= 4) return candidate;
        if (category !== 'obscenity' && category !== 'slur') continue;
        if (candidate.length >= 5 || this.inflectedShort.has(candidate)) return candidate;
      }
    }
    return undefined;
  }

  private squeezedWordOf(squeezed: string): string | undefined {
    const word = this.squeezedWords.get(squeezed);
    if (word) return word;
    for (const ending of ENDINGS) {
      if (squeezed.endsWith(ending) && this.squeezedWords.has(squeezed.slice(0, -ending.length))) return this.squeezedWords.get(squeezed.slice(0, -ending.length));
    }
    return undefined;
  }
}

const squeeze = (word: string) => word.replace(/(.)\1+/gu, '$1');

/** Folds look-alikes and accents, joins spaced-out letters, and splits the text into words with their sentence. */
function tokenize(text: string): Token[] {
  // Plain ASCII (most comments) has no look-alikes or accents to fold.
  const folded = /^[\x00-\x7f]*$/.test(text)
    ? text
    : text
    .normalize('NFKC')
    .replace(/[^\x00-\x7f]/g, (ch) => LOOK_ALIKES[ch.toLowerCase()] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  // "f u c k", "s.h.i.t": three or more single characters apart become one word.
  // The same separator throughout, so "a s.h.i.t" joins to "shit", not "ashit".
  const joined = folded.replace(/(?<![\p{L}\d@$])[\p{L}\d@$]([ \t.\-_*]+)(?:[\p{L}\d@$]\1)+[\p{L}\d@$](?![\p{L}\d@$])/gu, (run) => {
    const word = run.replace(/[\s.\-_*]+/g, '');
    // "what a s c u m b a g": the article joins in too; keep the word without it beside.
    return /^[ai]\s/i.test(run) ? `${word} ${word.slice(1)}` : word;
  });
  const tokens: Token[] = [];
  let sentence = 0;
  let last = 0;
  for (const match of joined.matchAll(TOKEN)) {
    if (/[.?!;\n]/.test(joined.slice(last, match.index))) sentence++;
    last = match.index + match[0].length;
    const raw = match[0].replace(EDGE, '');
    if (!raw) continue;
    const lower = raw.toLowerCase().replace(/['’]s$/, '');
    tokens.push({ raw, lower, sentence });
    // "sex-trafficking", "ass-kicking": the parts of a hyphenated word are words too.
    if (/-/.test(lower)) for (const part of lower.split('-').filter(Boolean)) tokens.push({ raw: part, lower: part, sentence });
  }
  return tokens;
}

/** The ways a written word may spell a listed one: as written, with separators dropped, with l33t undone. */
function forms(lower: string): string[] {
  const plain = lower.replace(SEPARATORS, '');
  const out = [lower, plain];
  if (/\p{L}/u.test(plain) && /[\d@$!+|]/.test(plain)) {
    const leet = plain.replace(/[\d@$!+|]/g, (ch) => LEET[ch] ?? ch);
    out.push(leet, plain.replace(/[\d@$!+|]/g, (ch) => (ch === '1' ? 'l' : LEET[ch] ?? ch)));
  }
  return [...new Set(out)];
}
