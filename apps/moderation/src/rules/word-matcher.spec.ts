import { WordMatcher } from './word-matcher';

describe('WordMatcher', () => {
  const banned = new WordMatcher(['scumbag'], { includeEnglishProfanity: true });
  const suspect = new WordMatcher(['moron', 'idiot'], { category: 'listed' });

  it.each([
    ['plain', 'what a scumbag'],
    ['upper case', 'WHAT A SCUMBAG'],
    ['l33t', 'what a scumb4g'],
    ['repeated letters', 'what a scuuuumbag'],
    ['spaced out', 'what a s c u m b a g'],
    ['dotted', 'what a s.c.u.m.b.a.g'],
    ['english profanity', 'this is sh1t'],
    ['english profanity spaced', 'f u c k this'],
  ])('finds a banned word written %s', (_how, text) => {
    expect(banned.find(text)).toBeDefined();
  });

  it('names the listed word and what was written', () => {
    expect(suspect.find('you m0r0n')).toEqual({ word: 'moron', found: 'm0r0n', category: 'listed' });
    expect(suspect.find('you mmmorooon')?.word).toBe('moron');
  });

  it.each([
    'Rovella said one percent of Hartford’s criminals are responsible for 75 to 80 percent',
    'Scunthorpe United won on Saturday',
    'an assessment of the class of 2015',
    'When will Malloy bring in the National Guard into Hartford?',
    'I am a b c d fan of lists',
  ])('leaves clean text alone: %s', (text) => {
    expect(banned.find(text)).toBeUndefined();
    expect(suspect.find(text)).toBeUndefined();
  });
});

describe('WordMatcher with the English list', () => {
  const words = new WordMatcher([], { includeEnglishProfanity: true });

  it.each([
    'The hospital ran out of analgesics during the storm.',
    'The rape trial of the former mayor starts Monday.',
    'Alan Cumming was at the Bushnell last night.',
    'A peculiar assortment of billiards tables.',
    'Scunthorpe, Penistone and Shitterton voted first',
    'Homo sapiens arrived later',
    'cocked the rifle and buttered the toast',
  ])('leaves words that contain or resemble a listed one alone: %s', (text) => {
    expect(words.find(text)).toBeUndefined();
  });

  it.each([
    ['look-alike Cyrillic letters', 'what a shіt', 'shit'],
    ['full-width letters', 'Ｆｕｃｋ it', 'fuck'],
    ['accents', 'fück it', 'fuck'],
    ['an inflection', 'those bastards', 'bastard'],
    ['a compound', 'what bullshit', 'shit'],
    ['a phrase', 'a blow job', 'blowjob'],
    ['dotted after an article', 'what a s.h.i.t story', 'shit'],
    ['a name written in lower case', 'cumming soon', 'cumming'],
  ])('finds %s', (_how, text, word) => {
    expect(words.find(text)).toMatchObject({ word, category: 'obscenity' });
  });

  it('holds a news word only when it is aimed at a person', () => {
    expect(words.find('The rapist was sentenced on Friday.')).toBeUndefined();
    expect(words.find('you rapist')).toMatchObject({ word: 'rapist', category: 'news', context: 'aimed at a person ("you")' });
  });

  it('names slurs and sensitive words by their category, and prefers the stronger', () => {
    expect(words.find('topless kike')).toMatchObject({ word: 'kike', category: 'slur' });
    expect(words.find('a topless protest')).toMatchObject({ word: 'topless', category: 'sensitive' });
  });
});
