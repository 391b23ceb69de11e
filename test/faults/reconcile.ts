import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { deadLetterTopic, TOPICS } from '@app/contracts';
import { api } from '../support/api';
import { consumerGroupOf, databaseOf, ServiceName, system, topicPrefixOf } from '../support/services';
import { Accepted, AUTOMATIC } from './load';

export interface Message {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const kafka = () => new Kafka({ clientId: 'faults', brokers: system().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
const own = (topic: string) => topicPrefixOf(system()) + topic;

/** Every message of the run's topics, up to their current end. */
export async function readAll(logicalTopics: string[]): Promise<Message[]> {
  const client = kafka();
  const admin = client.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = logicalTopics.map(own).filter((topic) => existing.has(topic));
  const ends = new Map<string, number>();
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > Number(p.low)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  await admin.disconnect();
  const messages: Message[] = [];
  if (!ends.size) return messages;
  const consumer = client.consumer({ groupId: `faults-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topics.join(', ')}: ${ends.size} partitions not read to their end in 60 s`)), 60_000);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          messages.push({
            topic: topic.slice(topicPrefixOf(system()).length),
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          });
          const at = `${topic}/${partition}`;
          if (ends.has(at) && Number(message.offset) + 1 >= ends.get(at)!) ends.delete(at);
          if (!ends.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Which topics each service's consumer group reads (its @OnEvent handlers). */
const SUBSCRIPTIONS: Record<Exclude<ServiceName, 'gateway'>, string[]> = {
  articles: [TOPICS.COMMENTS],
  comments: [TOPICS.ARTICLES, TOPICS.MODERATION],
  moderation: [TOPICS.ARTICLES, TOPICS.COMMENTS],
};

/** Messages each consumer group has not committed yet, per topic partition with lag. */
export async function lagOfGroups(): Promise<string[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const lagging: string[] = [];
    for (const [service, topics] of Object.entries(SUBSCRIPTIONS)) {
      const groupId = consumerGroupOf(system(), service as ServiceName);
      const committed = await admin.fetchOffsets({ groupId, topics: topics.map(own) });
      for (const { topic, partitions } of committed) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          const behind = Number(end.high) - Math.max(at, Number(end.low));
          if (behind > 0) lagging.push(`${service} ${topic.slice(topicPrefixOf(system()).length)}/${end.partition}: ${behind} behind`);
        }
      }
    }
    return lagging;
  } finally {
    await admin.disconnect();
  }
}

async function withDatabases<T>(work: (db: (service: Exclude<ServiceName, 'gateway'>) => ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(system().mongoUrlBase, { retryWrites: false, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await work((service) => client.db(databaseOf(system(), service)));
  } finally {
    await client.close();
  }
}

export interface Reconciliation {
  accepted: number;
  /** Accepted but missing, undecided, or never announced. */
  lost: string[];
  /** Stored or decided or announced more than once. */
  duplicated: string[];
  /** Everything else that is wrong: counts, outboxes, lag, dead letters. */
  problems: string[];
}

/** What a scenario changed on purpose, beyond the load's own moderator approvals. */
export interface Expectations {
  /** Comments a moderator rejected or deleted: their final status. */
  decidedByModerator?: Map<string, 'approved' | 'rejected' | 'deleted'>;
  /** Comments whose comment.submitted kills moderation: each must be dead-lettered by it as crashed_consumer, and only that. */
  crashingComments?: Set<string>;
}

/**
 * Checks what a newsroom relies on, for the comments a scenario had accepted: each exists once in
 * its final status, its automatic verdict was made and announced exactly once, its events are on
 * the topics; thread counts equal approved comments everywhere; no outbox holds an event; no
 * consumer group lags; dead-letter topics hold only the injected poison.
 */
export async function reconcile(
  accepted: Accepted[],
  approvedByModerator: Set<string>,
  stories: string[],
  poison: Set<string>,
  expectations: Expectations = {},
): Promise<Reconciliation> {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const problems: string[] = [];
  const ids = accepted.map((c) => c.id);
  const expected = (c: Accepted) => expectations.decidedByModerator?.get(c.id) ?? (approvedByModerator.has(c.id) ? 'approved' : AUTOMATIC[c.kind]);

  const { comments, threads, cases, verdicts, views, outboxes } = await withDatabases(async (db) => ({
    comments: await db('comments').collection('comments').find({ articleId: { $in: stories } }, { projection: { status: 1, articleId: 1 } }).toArray(),
    threads: await db('comments').collection('threads').find({ _id: { $in: stories as never[] } }).toArray(),
    cases: await db('moderation').collection('cases').find({ _id: { $in: ids as never[] } }, { projection: { verdict: 1 } }).toArray(),
    verdicts: await db('moderation')
      .collection('case_entries')
      .aggregate([{ $match: { caseId: { $in: ids } } }, { $unwind: '$history' }, { $match: { 'history.type': 'rule_verdict' } }, { $project: { caseId: 1, revision: '$history.revision' } }])
      .toArray(),
    views: await db('articles').collection('article_threads').find({ _id: { $in: stories as never[] } }).toArray(),
    outboxes: {
      'articles.articles': await db('articles').collection('articles').countDocuments({ outboxAt: { $exists: true } }),
      'comments.comments': await db('comments').collection('comments').countDocuments({ outboxAt: { $exists: true } }),
      'comments.thread_changes': await db('comments').collection('thread_changes').countDocuments({ pending: true }),
      'moderation.case_entries': await db('moderation').collection('case_entries').countDocuments({ outboxPending: true }),
      'moderation.sanctions': await db('moderation').collection('sanctions').countDocuments({ outboxPending: true }),
    },
  }));

  const messages = await readAll([TOPICS.COMMENTS, TOPICS.MODERATION]);
  const events = messages
    .filter((m) => m.key && stories.includes(m.key) && !poison.has(m.value ?? ''))
    .map((m) => JSON.parse(m.value!) as { id: string; type: string; payload: { commentId?: string; revision?: number; moderator?: unknown; seq?: number; articleId?: string } });
  const distinct = (type: string, commentId: string, only: (e: (typeof events)[number]) => boolean = () => true) =>
    new Set(events.filter((e) => e.type === type && e.payload.commentId === commentId && only(e)).map((e) => e.id)).size;

  const stored = new Map(comments.map((c) => [String(c._id), c]));
  const caseOf = new Map(cases.map((c) => [String(c._id), c]));
  for (const comment of accepted) {
    const doc = stored.get(comment.id);
    const want = expected(comment);
    if (!doc) lost.push(`${comment.id}: not stored`);
    else if (doc.status !== want) lost.push(`${comment.id}: ${doc.status}, expected ${want}`);
    if (!caseOf.has(comment.id)) lost.push(`${comment.id}: unknown to moderation`);
    const submitted = distinct('comment.submitted', comment.id);
    if (submitted === 0) lost.push(`${comment.id}: comment.submitted not on the topic`);
    if (submitted > 1) duplicated.push(`${comment.id}: ${submitted} comment.submitted events`);
    const automatic = distinct('moderation.decided', comment.id, (e) => !e.payload.moderator && e.payload.revision === 1);
    if (automatic === 0) lost.push(`${comment.id}: no automatic moderation.decided on the topic`);
    if (automatic > 1) duplicated.push(`${comment.id}: ${automatic} automatic moderation.decided events for revision 1`);
    const ruled = verdicts.filter((v) => v.caseId === comment.id && v.revision === 1).length;
    if (ruled > 1) duplicated.push(`${comment.id}: ${ruled} rule verdicts in the journal`);
    const statusEvents = distinct(`comment.${want}`, comment.id);
    if (statusEvents === 0) lost.push(`${comment.id}: comment.${want} not on the topic`);
  }

  for (const story of stories) {
    const approved = comments.filter((c) => c.articleId === story && c.status === 'approved').length;
    const thread = threads.find((t) => String(t._id) === story);
    const view = views.find((v) => String(v._id) === story);
    const page = await api('GET', `/api/v1/articles/${story}/comments?limit=1`);
    if (thread?.commentCount !== approved) problems.push(`${story}: thread count ${thread?.commentCount}, approved ${approved}`);
    if (view?.commentCount !== approved) problems.push(`${story}: articles' count ${view?.commentCount}, approved ${approved}`);
    if (view?.state !== thread?.state) problems.push(`${story}: articles sees the thread ${view?.state}, comments has it ${thread?.state}`);
    if (page.body?.commentCount !== approved) problems.push(`${story}: API count ${page.body?.commentCount}, approved ${approved}`);
  }
  for (const [where, left] of Object.entries(outboxes)) if (left) problems.push(`${where}: ${left} documents with unpublished events`);
  problems.push(...(await lagOfGroups()).map((lag) => `lag: ${lag}`));

  const groups = (['articles', 'comments', 'moderation'] as const).map((service) => deadLetterTopic(consumerGroupOf(system(), service)));
  const crashing = expectations.crashingComments ?? new Set<string>();
  const crashedLetters = new Map<string, number>();
  for (const letter of await readAll(groups)) {
    if (poison.has(letter.value ?? '')) continue;
    const commentId = (() => {
      try {
        return (JSON.parse(letter.value ?? '') as { payload?: { commentId?: string } }).payload?.commentId;
      } catch {
        return undefined;
      }
    })();
    const crashedHere = letter.topic === deadLetterTopic(consumerGroupOf(system(), 'moderation')) && letter.headers['dlq-reason'] === 'crashed_consumer';
    if (commentId && crashing.has(commentId) && crashedHere) crashedLetters.set(commentId, (crashedLetters.get(commentId) ?? 0) + 1);
    else problems.push(`dead letter not injected by the test: ${letter.topic} ${letter.headers['dlq-reason']}: ${letter.headers['dlq-error']}`);
  }
  for (const commentId of crashing) {
    const count = crashedLetters.get(commentId) ?? 0;
    if (count === 0) lost.push(`${commentId}: the crashing comment is not in moderation's dead letters (crashed_consumer)`);
    if (count > 1) duplicated.push(`${commentId}: dead-lettered ${count} times`);
  }
  return { accepted: accepted.length, lost, duplicated, problems };
}
