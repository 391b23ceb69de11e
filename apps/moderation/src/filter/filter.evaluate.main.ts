// `npm run filter:evaluate [-- <size>]`: the filter's precision and recall at its thresholds on a
// held-out quarter of a generated corpus whose reject/approve parts are known (filter.corpus.ts).
// `npm run filter:evaluate -- --journal <mongodb-url-with-database>`: the same, on the labelled
// cases of a moderation database (what POST /filter/retrain trains on).
import { MongoClient } from 'mongodb';
import { evaluate, LabelledExample } from './filter.classifier';
import { generatedCorpus } from './filter.corpus';
import { examplesFrom } from './filter-training.service';

const THRESHOLDS = [0.5, 0.7, 0.9, 0.99];

async function journalExamples(url: string): Promise<LabelledExample[]> {
  const client = await MongoClient.connect(url);
  try {
    const cases = client.db().collection('cases');
    const states = await cases.find({ status: { $in: ['approved', 'rejected', 'reported', 'deleted'] } }, { projection: { body: 1, verdict: 1, _id: 0 } }).toArray();
    return examplesFrom(states as never);
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  // argv: node, scripts/ts-run.js, this file, …
  const args = process.argv.slice(3);
  const journal = args.indexOf('--journal');
  let examples: LabelledExample[];
  let source: string;
  if (journal >= 0) {
    const url = args[journal + 1];
    if (!url) throw new Error('--journal needs a MongoDB URL with the moderation database, e.g. mongodb://127.0.0.1:27017/moderation');
    examples = await journalExamples(url);
    source = `journal ${url.replace(/\/\/[^@/]*@/, '//…@')}`;
  } else {
    const size = Number(args[0] ?? 4_000);
    examples = generatedCorpus(size);
    source = `generated corpus`;
  }
  const rejects = examples.filter((e) => e.label === 'reject').length;
  if (!rejects || rejects === examples.length) throw new Error(`${source}: ${examples.length} examples, ${rejects} rejects: both labels are needed`);
  const result = evaluate(examples, THRESHOLDS);
  console.log(`${source}: ${examples.length} labelled comments (${rejects} rejects), trained on ${result.train}, tested on ${result.test} held out`);
  console.log('| threshold | precision | recall | flagged |');
  console.log('|---|---|---|---|');
  for (const r of result.at) console.log(`| ${r.threshold} | ${(100 * r.precision).toFixed(1)}% | ${(100 * r.recall).toFixed(1)}% | ${r.flagged} |`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
