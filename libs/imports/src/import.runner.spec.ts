import { DomainError, ImportCommentsInput } from '@app/contracts';
import { parseMapping } from './import.mapping';
import { ImportSink, parseSourceTime, runImport } from './import.runner';
import { htmlToPlainText } from './html-text';
import { ImportFormat } from './imports.types';

const STORY = '3f0c8f5e-8a39-4c3f-9d1e-2a7f6b0c1d2e';
const OTHER = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

const DISQUS = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <category dsq:id="1"><forum>ctnews</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="100">
    <id>story-42</id><forum>ctnews</forum><category dsq:id="1"/>
    <link>https://www.ctnewsjunkie.com/2015/07/21/state-commits-resources/</link>
    <title>State Commits Resources</title><message/><createdAt>2015-07-21T09:30:00Z</createdAt>
    <author><name>Christine</name><isAnonymous>false</isAnonymous></author>
    <isClosed>false</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="200"><id/><link>https://www.ctnewsjunkie.com/other</link><title>Unmapped</title></thread>
  <post dsq:id="1001">
    <id/><message><![CDATA[<p>Finally &amp; about time. See <a href="https://example.com/report">the report</a></p><script>alert('x')</script>]]></message>
    <createdAt>2015-07-21T12:08:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Ann Reader</name><isAnonymous>false</isAnonymous><username>ann</username></author>
    <thread dsq:id="100"/>
  </post>
  <post dsq:id="1002">
    <message>&lt;p&gt;Buy pills&lt;/p&gt;</message><createdAt>2015-07-21T12:09:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>true</isSpam><author><name>Spammer</name></author>
    <thread dsq:id="100"/><parent dsq:id="1001"/>
  </post>
  <post dsq:id="1003">
    <message><![CDATA[<p>I agree with the spam? No: with Ann</p>]]></message><createdAt>2015-07-21T12:10:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Bob</name></author>
    <thread dsq:id="100"/><parent dsq:id="1002"/>
  </post>
  <post dsq:id="1004">
    <message>gone</message><createdAt>2015-07-21T12:11:00Z</createdAt>
    <isDeleted>true</isDeleted><isSpam>false</isSpam><author><name>Carl</name></author><thread dsq:id="100"/>
  </post>
  <post dsq:id="1005">
    <message>elsewhere</message><createdAt>2015-07-21T12:12:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Dana</name></author><thread dsq:id="200"/>
  </post>
  <post dsq:id="1006">
    <message>no time</message><createdAt>yesterday</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Eve</name></author><thread dsq:id="100"/>
  </post>
</disqus>
`;

const WXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>CT News</title><link>https://ctnews.example</link><wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>Budget Vote</title><link>https://ctnews.example/2015/07/budget-vote/</link>
    <content:encoded><![CDATA[<p>The story body, not a comment</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id><wp:post_name><![CDATA[budget-vote]]></wp:post_name><wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:comment>
      <wp:comment_id>10</wp:comment_id><wp:comment_author><![CDATA[Frank]]></wp:comment_author>
      <wp:comment_date><![CDATA[2015-07-21 08:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2015-07-21 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Taxes &amp; more<br/>second line]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>11</wp:comment_id><wp:comment_author><![CDATA[Gina]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2015-07-21 12:05:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Reply to Frank]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[]]></wp:comment_type><wp:comment_parent>10</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>12</wp:comment_id><wp:comment_author>Held</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:06:00</wp:comment_date_gmt>
      <wp:comment_content>waiting</wp:comment_content><wp:comment_approved>0</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>13</wp:comment_id><wp:comment_author>Bin</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:07:00</wp:comment_date_gmt>
      <wp:comment_content>binned</wp:comment_content><wp:comment_approved>trash</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>14</wp:comment_id><wp:comment_author>Pinger</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:08:00</wp:comment_date_gmt>
      <wp:comment_content>linked</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>15</wp:comment_id><wp:comment_author>Junk</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:09:00</wp:comment_date_gmt>
      <wp:comment_content>junk</wp:comment_content><wp:comment_approved>spam</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
  <item><title>About</title><link>https://ctnews.example/about/</link><wp:post_id>8</wp:post_id><wp:post_name>about</wp:post_name></item>
</channel>
</rss>
`;

/** The comments service's import in memory: what is stored by externalId, per story. */
class MemorySink implements ImportSink {
  readonly stored = new Map<string, ImportCommentsInput['comments'][number] & { storyId: string; source?: string }>();
  readonly calls: ImportCommentsInput[] = [];
  missing = new Set<string>();
  async submit(storyId: string, input: ImportCommentsInput) {
    this.calls.push(input);
    if (this.missing.has(storyId)) throw new DomainError('not_found', 'thread_not_found', 'no such thread');
    const fresh = input.comments.filter((c) => !this.stored.has(c.externalId));
    if (!input.dryRun) for (const c of fresh) this.stored.set(c.externalId, { ...c, storyId, source: input.source });
    return { imported: fresh.length, skipped: input.comments.length - fresh.length };
  }
}

/** A file read in small chunks, so that elements and multi-byte characters straddle them. */
const chunked = (text: string, size = 7) =>
  async function* () {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  };

const run = (format: ImportFormat, text: string, sink: ImportSink, extra: { dryRun?: boolean; batchSize?: number } = {}) =>
  runImport({
    format,
    open: chunked(text),
    match: parseMapping({ byUrl: { 'http://ctnewsjunkie.com/2015/07/21/state-commits-resources': STORY }, bySlug: { 'budget-vote': OTHER } }),
    dryRun: extra.dryRun ?? false,
    batchSize: extra.batchSize,
    sink,
  });

describe('runImport (Disqus)', () => {
  it('imports the kept posts as plain text with authors and times, counts every skip with its reason', async () => {
    const sink = new MemorySink();
    const report = await run('disqus', DISQUS, sink);
    expect(report).toMatchObject({
      format: 'disqus',
      dryRun: false,
      threads: { total: 2, matched: 1, unmatched: [{ ref: '200', url: 'https://www.ctnewsjunkie.com/other', title: 'Unmapped' }] },
      posts: { total: 6, imported: 2, skipped: { spam: 1, deleted: 1, no_story_mapped: 1, malformed: 1 } },
      stories: [{ storyId: STORY, threads: 1, imported: 2, alreadyImported: 0 }],
    });
    expect(report.problems).toEqual([expect.objectContaining({ reason: 'malformed', externalId: 'disqus:1006', detail: expect.stringContaining('yesterday') })]);
    expect(sink.stored.get('disqus:1001')).toEqual({
      storyId: STORY,
      source: 'import:disqus',
      externalId: 'disqus:1001',
      authorName: 'Ann Reader',
      postedAt: new Date('2015-07-21T12:08:00Z'),
      body: 'Finally & about time. See the report [https://example.com/report]',
    });
    // Bob replied to the spam: he is attached to what the spam replied to.
    expect(sink.stored.get('disqus:1003')).toMatchObject({ parentExternalId: 'disqus:1001', body: 'I agree with the spam? No: with Ann' });
  });

  it('changes nothing the second time, and a dry run stores nothing but counts what is there', async () => {
    const sink = new MemorySink();
    const dry = await run('disqus', DISQUS, sink, { dryRun: true });
    expect(dry.posts).toMatchObject({ imported: 2 });
    expect(sink.stored.size).toBe(0);
    expect(sink.calls.every((call) => call.dryRun === true)).toBe(true);
    await run('disqus', DISQUS, sink);
    const again = await run('disqus', DISQUS, sink);
    expect(again.posts).toMatchObject({ imported: 0, skipped: expect.objectContaining({ already_imported: 2 }) });
    expect(sink.stored.size).toBe(2);
  });

  it('refuses a file that is not well-formed with its line and column, before sending anything', async () => {
    const sink = new MemorySink();
    const broken = DISQUS.replace('<author><name>Bob</name></author>', '<author><name>Bob</author>');
    await expect(run('disqus', broken, sink)).rejects.toMatchObject({
      code: 'malformed_import_file',
      details: { line: 25, column: expect.any(Number) },
      message: expect.stringMatching(/line 25, column \d+: .*nothing was imported/),
    });
    expect(sink.calls).toHaveLength(0);
  });

  it('refuses a file of the other format', async () => {
    await expect(run('disqus', WXR, new MemorySink())).rejects.toMatchObject({ code: 'wrong_import_format' });
  });

  it('splits a story into batches and skips a story that is not there', async () => {
    const sink = new MemorySink();
    const many = DISQUS.replace(
      '</disqus>',
      Array.from({ length: 25 }, (_, n) => `<post dsq:id="${2000 + n}"><message>n ${n}</message><createdAt>2015-07-22T00:00:${String(n).padStart(2, '0')}Z</createdAt><author><name>R${n}</name></author><thread dsq:id="100"/></post>`).join('\n') + '</disqus>',
    );
    const report = await run('disqus', many, sink, { batchSize: 10 });
    expect(report.posts.imported).toBe(27);
    expect(sink.calls.map((call) => call.comments.length)).toEqual([10, 10, 7]);
    sink.missing.add(STORY);
    const gone = await run('disqus', many, sink, { batchSize: 10 });
    expect(gone.posts.skipped.story_unavailable).toBe(27);
    expect(gone.problems).toContainEqual(expect.objectContaining({ reason: 'story_unavailable', detail: expect.stringContaining('thread_not_found') }));
  });
});

describe('runImport (WordPress WXR)', () => {
  it('imports approved comments with their parents, GMT times; unapproved, trash, spam and pingbacks are skipped', async () => {
    const sink = new MemorySink();
    const report = await run('wordpress', WXR, sink);
    expect(report).toMatchObject({
      threads: { total: 1, matched: 1, unmatched: [] },
      posts: { total: 6, imported: 2, skipped: { unapproved: 1, deleted: 1, not_a_comment: 1, spam: 1 } },
    });
    expect([...sink.stored.values()]).toEqual([
      { storyId: OTHER, source: 'import:wordpress', externalId: 'wordpress:10', authorName: 'Frank', postedAt: new Date('2015-07-21T12:00:00Z'), body: 'Taxes & more\nsecond line' },
      { storyId: OTHER, source: 'import:wordpress', externalId: 'wordpress:11', authorName: 'Gina', postedAt: new Date('2015-07-21T12:05:00Z'), body: 'Reply to Frank', parentExternalId: 'wordpress:10' },
    ]);
  });
});

describe('mapping, times, text', () => {
  it('matches by identifier first, then URL (without scheme, www, query, trailing slash), then slug', () => {
    const match = parseMapping({ byIdentifier: { 'story-42': STORY }, byUrl: { 'https://news.example/a/b/': OTHER }, bySlug: { c: STORY } });
    expect(match({ ref: '1', aliases: [], identifier: 'story-42', url: 'https://news.example/a/b', line: 1 })).toEqual({ storyId: STORY, by: 'identifier' });
    expect(match({ ref: '1', aliases: [], url: 'http://www.news.example/a/b?utm=1#top', line: 1 })).toEqual({ storyId: OTHER, by: 'url' });
    expect(match({ ref: '1', aliases: [], url: 'https://news.example/x/c/', line: 1 })).toEqual({ storyId: STORY, by: 'slug' });
    expect(match({ ref: '1', aliases: [], url: 'https://news.example/x/d/', line: 1 })).toBeUndefined();
  });

  it('refuses a mapping that is not one', () => {
    for (const bad of [null, [], {}, { byUrl: { x: 'not-a-uuid' } }, { byPath: { x: STORY } }, { bySlug: [] }]) {
      expect(() => parseMapping(bad)).toThrow(expect.objectContaining({ code: 'invalid_import_mapping' }));
    }
  });

  it('reads both formats\' times, and nothing else', () => {
    // Disqus's schema example has no zone: UTC.
    expect(parseSourceTime('2012-12-12T12:12:12')).toEqual(new Date('2012-12-12T12:12:12Z'));
    expect(parseSourceTime('12/12/2012')).toBeUndefined();
    expect(parseSourceTime('2012-12-12T12:12:12Z')).toEqual(new Date('2012-12-12T12:12:12Z'));
    expect(parseSourceTime('2012-12-12T12:12:12+02:00')).toEqual(new Date('2012-12-12T10:12:12Z'));
    expect(parseSourceTime('2010-07-20 12:08:08')).toEqual(new Date('2010-07-20T12:08:08Z'));
    expect(parseSourceTime('0000-00-00 00:00:00')).toBeUndefined();
    expect(parseSourceTime('yesterday')).toBeUndefined();
  });

  it('turns HTML into text: entities, breaks, links, no scripts or styles', () => {
    expect(htmlToPlainText('<p>a &lt;b&gt; &eacute;</p><p>two<br>three</p><style>p{}</style><script>x()</script><img src=x onerror=y>')).toBe('a <b> é\n\ntwo\nthree');
    expect(htmlToPlainText('<a href="https://x.example/">https://x.example/</a>')).toBe('https://x.example/');
  });
});
