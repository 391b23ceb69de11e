import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Actor, DomainError, ErrorKind, ImportFileQuery } from '@app/contracts';
import { UpstreamError } from '@app/http';
import { ImportFormat, ImportReport, ImportSink, importTooLarge, parseMappingText, runImport } from '@app/imports';
import { GatewayConfig } from '../gateway.config';
import { ThreadCache } from '../thread-cache/thread-cache';
import { UpstreamClient } from '../upstream/upstream.client';

const KINDS: Record<number, ErrorKind> = { 400: 'invalid', 404: 'not_found', 409: 'conflict' };

/**
 * An export sent in one request: the body is streamed to a temporary file (at most
 * IMPORT_BODY_LIMIT_BYTES), read twice by the imports library (checked, then imported), each
 * batch sent to the comments service as its batch import, and the file removed.
 */
@Injectable()
export class ImportsService {
  private readonly log = new Logger(ImportsService.name);

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly cache: ThreadCache,
    private readonly config: GatewayConfig,
  ) {}

  async importFile(format: ImportFormat, query: ImportFileQuery, body: Readable, actor: Actor): Promise<ImportReport> {
    const match = parseMappingText(query.mapping);
    const file = join(tmpdir(), `import-${randomUUID()}.xml`);
    try {
      await this.receive(body, file);
      const report = await runImport({ format, open: () => createReadStream(file, { highWaterMark: 256 * 1024 }), match, dryRun: query.dryRun ?? false, sink: this.sink(actor) });
      this.log.log({ msg: 'import', format, dryRun: report.dryRun, posts: report.posts, threads: report.threads.total, by: actor.id });
      return report;
    } finally {
      await rm(file, { force: true });
    }
  }

  /** The body to a file, refused past the limit (the client is not read further). */
  private async receive(body: Readable, file: string): Promise<void> {
    const limit = this.config.IMPORT_BODY_LIMIT_BYTES;
    let bytes = 0;
    const counted = async function* (source: Readable) {
      for await (const chunk of source) {
        bytes += (chunk as Buffer).length;
        if (bytes > limit) throw importTooLarge(limit);
        yield chunk as Buffer;
      }
    };
    await pipeline(body, counted, createWriteStream(file));
    if (!bytes) throw new DomainError('invalid', 'empty_import_file', 'the request has no body: send the export as application/xml');
  }

  /** Batches to the comments service's import, as the admin; the thread's cached pages dropped after each. */
  private sink(actor: Actor): ImportSink {
    return {
      submit: async (storyId, input) => {
        try {
          return await this.upstream.call<{ imported: number; skipped: number }>('comments', {
            method: 'POST',
            path: `/threads/${storyId}/comments/import`,
            body: input,
            actor,
          });
        } catch (error) {
          // The story's own refusal (no thread, hidden) is a skip in the report; the rest stops the import.
          if (error instanceof UpstreamError && KINDS[error.status]) {
            throw new DomainError(KINDS[error.status]!, error.body.code ?? 'upstream_refused', error.body.message ?? error.message);
          }
          throw error;
        } finally {
          if (!input.dryRun) this.cache.evict(storyId);
        }
      },
    };
  }
}
