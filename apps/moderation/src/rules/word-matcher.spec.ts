import { WordMatcher } from './word-matcher';

describe('WordMatcher', () => {
  const banned = new WordMatcher(['scumbag'], { includeEnglishProfanity: true });
  const suspect = new WordMatcher(['moron', 'idiot']);

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
    expect(suspect.find('you m0r0n')).toEqual({ word: 'moron', found: 'm0r0n' });
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
