/**
 * The import command, for exports too big for one request:
 *
 *   npm run import -- --format disqus|wordpress --file export.xml --mapping mapping.json \
 *     [--dry-run] [--url http://127.0.0.1:3000] [--token $ADMIN] [--batch-size 200] [--report report.json]
 *
 * Streams the file twice (checked whole, then imported; see runImport) and posts batches per story
 * to the public API's POST /api/v1/articles/:id/comments/import with an admin's token (--token or
 * IMPORT_TOKEN). Progress goes to stderr, the report (JSON) to stdout or --report, and a last
 * line with the time taken and the command's peak memory (RSS). Exit 0 when done, 1 when refused.
 */
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { DomainError, ErrorKind } from '@app/contracts';
import { parseMappingText } from './import.mapping';
import { ImportSink, runImport } from './import.runner';
import { IMPORT_FORMATS, ImportFormat } from './imports.types';

function args(argv: string[]): Map<string, string | true> {
  const parsed = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i]!;
    if (!name.startsWith('--')) throw new Error(`unexpected argument ${name}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) parsed.set(name.slice(2), true);
    else {
      parsed.set(name.slice(2), next);
      i += 1;
    }
  }
  return parsed;
}

/** Tries of one batch: a 503 is the gateway's deadline (UPSTREAM_TIMEOUT_MS) on a loaded service, and resending is a no-op. */
const RETRIES = 10;

const KINDS: Record<number, ErrorKind> = { 400: 'invalid', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited' };

/** The public API as the sink: one POST per batch; a 503 or a dropped connection is tried again (the import is idempotent). */
export function httpSink(baseUrl: string, token: string): ImportSink {
  return {
    async submit(storyId, input) {
      for (let attempt = 1; ; attempt += 1) {
        let response: Response;
        try {
          response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/articles/${encodeURIComponent(storyId)}/comments/import`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(input),
          });
        } catch (error) {
          if (attempt >= RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
          continue;
        }
        const body = (await response.json().catch(() => ({}))) as { imported?: number; skipped?: number; code?: string; message?: string };
        if (response.ok) return { imported: body.imported ?? 0, skipped: body.skipped ?? 0 };
        if ((response.status === 503 || response.status === 408) && attempt < RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
          continue;
        }
        throw new DomainError(KINDS[response.status] ?? 'unavailable', body.code ?? `http_${response.status}`, body.message ?? response.statusText);
      }
    },
  };
}

async function main(): Promise<number> {
  const options = args(process.argv.slice(3));
  const format = options.get('format');
  const file = options.get('file');
  const mappingFile = options.get('mapping');
  const token = options.get('token') ?? process.env.IMPORT_TOKEN;
  if (typeof format !== 'string' || !(IMPORT_FORMATS as readonly string[]).includes(format) || typeof file !== 'string' || typeof mappingFile !== 'string' || typeof token !== 'string') {
    process.stderr.write('usage: npm run import -- --format disqus|wordpress --file export.xml --mapping mapping.json [--dry-run] [--url http://127.0.0.1:3000] [--token ADMIN_JWT] [--batch-size 200] [--report report.json]\n');
    return 2;
  }
  const url = typeof options.get('url') === 'string' ? (options.get('url') as string) : 'http://127.0.0.1:3000';
  const dryRun = options.get('dry-run') === true;
  const size = statSync(file).size;
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`import: ${line}\n`);
  log(`${dryRun ? 'dry run of' : 'importing'} ${file} (${(size / 1e6).toFixed(1)} MB, ${format}) into ${url}`);
  try {
    const match = parseMappingText(readFileSync(mappingFile, 'utf8'));
    let last = 0;
    const report = await runImport({
      format: format as ImportFormat,
      open: () => createReadStream(file, { highWaterMark: 256 * 1024 }),
      match,
      dryRun,
      sink: httpSink(url, token),
      batchSize: typeof options.get('batch-size') === 'string' ? Number(options.get('batch-size')) : undefined,
      onProgress: ({ phase, posts, imported }) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        log(`${phase === 'check' ? 'checked' : 'imported'} ${phase === 'check' ? posts : imported} posts${phase === 'import' ? ` (${posts} read)` : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    const text = JSON.stringify(report, null, 2);
    if (typeof options.get('report') === 'string') writeFileSync(options.get('report') as string, text);
    else process.stdout.write(`${text}\n`);
    log(
      `done: ${report.posts.total} posts, ${report.posts.imported} ${dryRun ? 'would be imported' : 'imported'}, skipped ${JSON.stringify(report.posts.skipped)}; ` +
        `${(report.elapsedMs / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    return 0;
  } catch (error) {
    log(`refused: ${error instanceof DomainError ? `${error.code}: ${error.message}` : String(error)}`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
