import { settledState } from '../support/snapshot';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { ROOT } from '../support/infrastructure';
import { system } from '../support/services';

/**
 * Imports of Disqus and WordPress exports (docs/imports.md): real-shaped files written here from
 * the formats' documentation, checked by a dry run, imported twice (the second stores nothing),
 * read back through the public API; a malformed file is refused and changes nothing. The import
 * command runs as it does for an operator (npm run import's script), the route through the gateway.
 */

const admin = () => tokenFor({ sub: 'newsroom-admin', name: 'Archive admin', roles: ['admin'] });
const dir = mkdtempSync(join(tmpdir(), 'imports-e2e-'));
const gateway = () => `http://127.0.0.1:${system().ports.gateway}`;

async function story(): Promise<string> {
  const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
  expect(published.status).toBe(201);
  const id = published.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200));
  return id;
}

function command(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/ts-run.js', 'libs/imports/src/import.main.ts', ...args, '--url', gateway(), '--token', admin()], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const thread = async (id: string) => (await api('GET', `/api/v1/articles/${id}/comments?limit=100`)).body;

const disqus = (first: string, second: string) => `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/internals.xsd">
  <category dsq:id="1"><forum>ctnewsjunkie</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="5001">
    <id>${first}</id><forum>ctnewsjunkie</forum><category dsq:id="1"/>
    <link>https://www.ctnewsjunkie.com/archives/entry/state_commits_resources/</link><title>State Commits Resources</title>
    <message/><createdAt>2015-07-21T09:30:00Z</createdAt><author><name>Christine Stuart</name><isAnonymous>false</isAnonymous></author>
    <ipAddress>127.0.0.1</ipAddress><isClosed>false</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="5002">
    <id/><forum>ctnewsjunkie</forum><category dsq:id="1"/>
    <link>https://ctnewsjunkie.com/archives/entry/budget_vote?utm_source=rss</link><title>Budget Vote</title>
  </thread>
  <thread dsq:id="5003"><id/><forum>ctnewsjunkie</forum><link>https://www.ctnewsjunkie.com/archives/entry/not_ours/</link><title>Not mapped</title></thread>
  <post dsq:id="9001">
    <id/><message><![CDATA[<p>It&#8217;s about time &amp; money. Read <a href="https://example.com/audit" rel="nofollow">the audit</a>.</p><script>alert("owned")</script><p>Second paragraph</p>]]></message>
    <createdAt>2015-07-21T12:08:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>ann@example.com</email><name>Ann Reader</name><isAnonymous>false</isAnonymous><username>annr</username></author>
    <ipAddress>192.0.2.1</ipAddress><thread dsq:id="5001"/>
  </post>
  <post dsq:id="9002">
    <id/><message><![CDATA[<p>Cheap pills at <a href="http://spam.example">spam.example</a></p>]]></message>
    <createdAt>2015-07-21T12:09:00Z</createdAt><isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><name>Spammer</name><isAnonymous>true</isAnonymous></author><thread dsq:id="5001"/><parent dsq:id="9001"/>
  </post>
  <post dsq:id="9003">
    <id/><message><![CDATA[<p>Replying to Ann: <b>agreed</b> &lt;3</p>]]></message>
    <createdAt>2015-07-21T13:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Bob Commenter</name><isAnonymous>false</isAnonymous></author><thread dsq:id="5001"/><parent dsq:id="9001"/>
  </post>
  <post dsq:id="9004">
    <id/><message><![CDATA[<p>Reply to the spam, kept</p>]]></message>
    <createdAt>2015-07-21T13:05:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Cara</name></author><thread dsq:id="5001"/><parent dsq:id="9002"/>
  </post>
  <post dsq:id="9005">
    <id/><message>removed by its author</message><createdAt>2015-07-21T13:10:00Z</createdAt><isDeleted>true</isDeleted><isSpam>false</isSpam>
    <author><name>Dan</name></author><thread dsq:id="5001"/>
  </post>
  <post dsq:id="9006">
    <id/><message><![CDATA[<p>On the budget</p>]]></message><createdAt>2015-07-22T08:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Eve</name></author><thread dsq:id="5002"/>
  </post>
  <post dsq:id="9007">
    <id/><message>no thread of ours</message><createdAt>2015-07-22T08:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Fay</name></author><thread dsq:id="5003"/>
  </post>
  <post dsq:id="9008">
    <id/><message>when?</message><createdAt>last Tuesday</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Gus</name></author><thread dsq:id="5001"/>
  </post>
</disqus>
`;

const wxr = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>CT News Junkie</title><link>https://ctnewsjunkie.example</link><wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>Hartford Council Votes</title><link>https://ctnewsjunkie.example/2015/07/council-votes/</link>
    <dc:creator><![CDATA[cstuart]]></dc:creator><content:encoded><![CDATA[<p>The story.</p>]]></content:encoded>
    <wp:post_id>314</wp:post_id><wp:post_date><![CDATA[2015-07-21 05:30:00]]></wp:post_date><wp:post_name><![CDATA[council-votes]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:comment>
      <wp:comment_id>71</wp:comment_id><wp:comment_author><![CDATA[Hal Voter]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[hal@example.com]]></wp:comment_author_email><wp:comment_author_IP><![CDATA[192.0.2.7]]></wp:comment_author_IP>
      <wp:comment_date><![CDATA[2015-07-21 08:15:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2015-07-21 12:15:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Good vote.<br />See <a href="https://ctnewsjunkie.example/minutes">the minutes</a> &amp; more]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>72</wp:comment_id><wp:comment_author><![CDATA[Ida]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2015-07-21 12:20:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Agreed, Hal]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[]]></wp:comment_type><wp:comment_parent>71</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>73</wp:comment_id><wp:comment_author>Jon</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:25:00</wp:comment_date_gmt>
      <wp:comment_content>awaiting moderation</wp:comment_content><wp:comment_approved>0</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>74</wp:comment_id><wp:comment_author>Junk</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:26:00</wp:comment_date_gmt>
      <wp:comment_content>buy now</wp:comment_content><wp:comment_approved>spam</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>75</wp:comment_id><wp:comment_author>Kim</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:27:00</wp:comment_date_gmt>
      <wp:comment_content>binned</wp:comment_content><wp:comment_approved>trash</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>76</wp:comment_id><wp:comment_author>Other Blog</wp:comment_author><wp:comment_date_gmt>2015-07-21 12:28:00</wp:comment_date_gmt>
      <wp:comment_content>[...] linked here [...]</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
</channel>
</rss>
`;

describe('imports', () => {
  it('imports a Disqus export through the command: dry run, import, import again, read back', async () => {
    const [first, second] = [await story(), await story()];
    const path = file('disqus.xml', disqus(`ctnj-${first}`, 'unused'));
    const mapping = file('disqus-mapping.json', JSON.stringify({ byIdentifier: { [`ctnj-${first}`]: first }, byUrl: { 'https://www.ctnewsjunkie.com/archives/entry/budget_vote/': second } }));

    const dry = await command('--format', 'disqus', '--file', path, '--mapping', mapping, '--dry-run');
    expect(dry.code).toBe(0);
    const dryReport = JSON.parse(dry.stdout);
    expect(dryReport).toMatchObject({
      dryRun: true,
      threads: { total: 3, matched: 2, unmatched: [expect.objectContaining({ ref: '5003', title: 'Not mapped' })] },
      posts: { total: 8, imported: 4, skipped: { spam: 1, deleted: 1, no_story_mapped: 1, malformed: 1 } },
    });
    expect(dryReport.problems).toEqual([expect.objectContaining({ reason: 'malformed', externalId: 'disqus:9008', line: expect.any(Number) })]);
    expect((await thread(first)).commentCount).toBe(0);

    const run = await command('--format', 'disqus', '--file', path, '--mapping', mapping);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/done: 8 posts, 4 imported/);
    expect(run.stderr).toMatch(/peak RSS \d+ MB/);
    const again = JSON.parse((await command('--format', 'disqus', '--file', path, '--mapping', mapping)).stdout);
    expect(again.posts).toMatchObject({ imported: 0, skipped: expect.objectContaining({ already_imported: 4 }) });

    await eventually(async () => expect((await thread(first)).commentCount).toBe(3));
    const read = await thread(first);
    expect(read.comments.map((c: any) => [c.author.name, c.postedAt, c.body])).toEqual([
      ['Ann Reader', '2015-07-21T12:08:00.000Z', 'It’s about time & money. Read the audit [https://example.com/audit].\n\nSecond paragraph'],
      ['Bob Commenter', '2015-07-21T13:00:00.000Z', 'Replying to Ann: agreed <3'],
      ['Cara', '2015-07-21T13:05:00.000Z', 'Reply to the spam, kept'],
    ]);
    const [ann, bob, cara] = read.comments;
    expect([ann.parentId, bob.parentId, cara.parentId]).toEqual([null, ann.id, ann.id]);
    expect((await thread(second)).comments.map((c: any) => [c.author.name, c.body, c.parentId])).toEqual([['Eve', 'On the budget', null]]);
    // Approved, readable on its own.
    const one = await api('GET', `/api/v1/comments/${ann.id}`);
    expect(one.body).toMatchObject({ status: 'approved' });
  });

  it('imports a WXR file through the gateway route, dry run first, twice without change', async () => {
    const id = await story();
    const mapping = encodeURIComponent(JSON.stringify({ bySlug: { 'council-votes': id } }));
    const send = (query: string, body = wxr, type = 'application/xml') =>
      api('POST', `/api/v1/imports/wordpress?mapping=${mapping}${query}`, { token: admin(), rawBody: body, headers: { 'content-type': type } });

    const dry = await send('&dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ format: 'wordpress', dryRun: true, threads: { total: 1, matched: 1 }, posts: { total: 6, imported: 2, skipped: { unapproved: 1, spam: 1, deleted: 1, not_a_comment: 1 } } });
    expect((await thread(id)).commentCount).toBe(0);

    expect((await send('')).body.posts).toMatchObject({ imported: 2 });
    expect((await send('')).body.posts).toMatchObject({ imported: 0, skipped: expect.objectContaining({ already_imported: 2 }) });
    await eventually(async () => expect((await thread(id)).commentCount).toBe(2));
    const [hal, ida] = (await thread(id)).comments;
    expect([hal.author.name, hal.postedAt, hal.body, hal.parentId]).toEqual(['Hal Voter', '2015-07-21T12:15:00.000Z', 'Good vote.\nSee the minutes [https://ctnewsjunkie.example/minutes] & more', null]);
    expect([ida.author.name, ida.body, ida.parentId]).toEqual(['Ida', 'Agreed, Hal', hal.id]);

    // Not XML, not a mapping, not an admin: refused with a code.
    expect((await api('POST', `/api/v1/imports/wordpress?mapping=${mapping}`, { token: admin(), body: { comments: [] } })).body.code).toBe('unsupported_media_type');
    expect((await api('POST', `/api/v1/imports/wordpress?mapping=%7B%7D`, { token: admin(), rawBody: wxr, headers: { 'content-type': 'application/xml' } })).body.code).toBe('invalid_import_mapping');
    expect((await api('POST', `/api/v1/imports/wordpress?mapping=${mapping}`, { token: editorToken(), rawBody: wxr, headers: { 'content-type': 'application/xml' } })).status).toBe(403);
    expect((await send('', wxr, 'text/xml')).status).toBe(200);
  });

  it('refuses a malformed file with its line and column, and changes nothing', async () => {
    const id = await story();
    // A well-formed start (so a streaming import would have begun), broken on line 24.
    const broken = disqus(`ctnj-${id}`, 'x').replace('<author><name>Bob Commenter</name><isAnonymous>false</isAnonymous></author>', '<author><name>Bob Commenter</author>');
    const brokenLine = broken.split('\n').findIndex((line) => line.includes('<name>Bob Commenter</author>')) + 1;
    const path = file('broken.xml', broken);
    const mapping = file('broken-mapping.json', JSON.stringify({ byIdentifier: { [`ctnj-${id}`]: id } }));
    const run = await command('--format', 'disqus', '--file', path, '--mapping', mapping);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`refused: malformed_import_file: the file is not well-formed at line ${brokenLine}, column \\d+`));

    const routed = await api('POST', `/api/v1/imports/disqus?mapping=${encodeURIComponent(JSON.stringify({ byIdentifier: { [`ctnj-${id}`]: id } }))}`, {
      token: admin(), rawBody: broken, headers: { 'content-type': 'application/xml' },
    });
    expect(routed.status).toBe(400);
    expect(routed.body).toMatchObject({ code: 'malformed_import_file', details: { line: brokenLine, column: expect.any(Number) } });
    const wrong = await api('POST', `/api/v1/imports/disqus?mapping=${encodeURIComponent(JSON.stringify({ byIdentifier: { x: id } }))}`, {
      token: admin(), rawBody: wxr, headers: { 'content-type': 'application/xml' },
    });
    expect(wrong.body.code).toBe('wrong_import_format');
    expect((await thread(id)).commentCount).toBe(0);
    expect((await thread(id)).comments).toEqual([]);
  });

  // IMPORT_MEASURE_COMMENTS=100000 gives the figure of docs/imports.md; the default keeps the suite short.
  it('imports a big generated export through the command and prints the time and the importer\'s peak memory', async () => {
    const comments = process.env.IMPORT_MEASURE_COMMENTS ?? '1000';
    const measured = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['scripts/ts-run.js', 'libs/imports/src/import.measure.main.ts', '--url', gateway(), '--token', admin(), '--comments', comments, '--stories', '20'], { cwd: ROOT });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout }));
    });
    expect(measured.code).toBe(0);
    const summary = JSON.parse(/MEASURE (.*)/.exec(measured.stdout)![1]!);
    console.log(`import measure: ${JSON.stringify(summary)}`);
    // One in fifty is spam; everything else is in the threads' counts.
    expect(summary.imported).toBe(Number(comments) - summary.skipped.spam);
    expect(summary.threadsCount).toBe(summary.imported);
    // What the import set going (events, counts, outboxes) is finished before the next suite
    // begins: the fuzz suite starts from a settled system and found this one still moving.
    await settledState(300_000);
  }, 1_200_000);
});
