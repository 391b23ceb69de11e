// `npm run filter:evaluate`: the filter's precision and recall at its thresholds on a held-out
// quarter of a generated corpus whose reject/approve parts are known (filter.corpus.ts).
import { evaluate } from './filter.classifier';
import { generatedCorpus } from './filter.corpus';

// argv: node, scripts/ts-run.js, this file, [size]
const size = Number(process.argv[3] ?? 4_000);
const result = evaluate(generatedCorpus(size), [0.5, 0.7, 0.9, 0.99]);
console.log(`generated corpus: ${size} comments, trained on ${result.train}, tested on ${result.test} held out`);
console.log('| threshold | precision | recall | flagged |');
console.log('|---|---|---|---|');
for (const r of result.at) console.log(`| ${r.threshold} | ${(100 * r.precision).toFixed(1)}% | ${(100 * r.recall).toFixed(1)}% | ${r.flagged} |`);
