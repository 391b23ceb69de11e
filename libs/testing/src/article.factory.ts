import { randomUUID } from 'node:crypto';

/** A valid POST /articles body; every call a new slug. */
export function articleInput(overrides: Record<string, unknown> = {}) {
  const unique = randomUUID().slice(0, 8);
  return {
    title: `State Commits Resources To Reduce Violence in Hartford ${unique}`,
    slug: `state-commits-resources-${unique}`,
    byline: 'Christine Stuart',
    categories: ['Election 2015', 'Law Enforcement', 'Labor', 'Public Safety', 'Hartford'],
    tags: ['Hartford', 'Malloy', 'Segarra'],
    photoCredits: [{ name: 'Christine Stuart' }, { name: 'Madeline Stocker' }],
    body: 'It’s not everything the city of Hartford wanted, but after an emergency meeting…',
    publishedAt: new Date().toISOString(),
    ...overrides,
  };
}
