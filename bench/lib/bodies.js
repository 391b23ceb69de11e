'use strict';
// Comment bodies that pass every automatic rule (no profanity, no suspect words, no links, no
// shouting, no junk runs) and are unique, so the repeat rule never rejects one: a counter is
// spelled in plain words, never in digits (the profanity matcher reads l33t digits as letters).
const WORDS = [
  'harbor', 'maple', 'river', 'garden', 'lantern', 'meadow', 'pencil', 'orchard',
  'violin', 'window', 'basket', 'candle', 'forest', 'pepper', 'silver', 'tunnel',
];
const OPENINGS = [
  'Thanks for reporting this, the council budget deserves a closer look',
  'Good reporting on the school board meeting, I hope the follow up covers the vote',
  'The bus route changes will matter to many families here, please keep us posted',
  'I attended the hearing and the summary above matches what was said',
];

/** Spells n in base 16 with the words above: unique per n, letters only. */
function spell(n) {
  const parts = [];
  do {
    parts.push(WORDS[n % 16]);
    n = Math.floor(n / 16);
  } while (n > 0);
  return parts.join(' ');
}

let counter = 0;

/**
 * A clean body, unique within this process (one counter for every scenario); `tag` is a fixed
 * word (the scenario's name), never random text that could spell something by chance.
 */
const cleanBody = (tag) => {
  const n = counter++;
  return `${OPENINGS[n % OPENINGS.length]}. Note ${tag} ${spell(n)}.`;
};

module.exports = { cleanBody, spell };
