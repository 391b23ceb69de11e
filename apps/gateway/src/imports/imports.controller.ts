import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Actor, DomainError, ImportFileQuery } from '@app/contracts';
import { ImportFormat, ImportReport } from '@app/imports';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ImportsService } from './imports.service';

const DESCRIPTION =
  'The export is the request body (application/xml or text/xml), streamed to a temporary file and read twice: checked whole ' +
  '(a file that is not well-formed is refused with 400 malformed_import_file and its line and column, and nothing is stored), ' +
  'then imported in batches per story. `mapping` (JSON) names the story of each thread by identifier, URL or slug. ' +
  'The answer is the report: threads matched, posts imported and skipped by reason (spam, deleted, unapproved, not_a_comment, ' +
  'no_story_mapped, story_unavailable, malformed, duplicate, already_imported), per story, with the first problems and their lines. ' +
  'The same file twice stores nothing the second time. Files that take longer than HTTP_REQUEST_TIMEOUT_MS to upload or are larger ' +
  'than IMPORT_BODY_LIMIT_BYTES: use `npm run import` (docs/imports.md).';

/** Imports of other platforms' exports (admin): Disqus XML and WordPress WXR. */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('disqus')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Import a Disqus XML export (or dry-run it): its posts become approved comments, source import:disqus', description: DESCRIPTION })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiResponse({ status: 431, description: 'the request head (the mapping in the query) is larger than 16 KB: use npm run import with a mapping file' })
  @ApiBody({ schema: { type: 'string', description: 'the Disqus export (<disqus> with <thread> and <post> elements)' } })
  disqus(@Query() query: ImportFileQuery, @Req() request: FastifyRequest, @CurrentUser() actor: Actor): Promise<ImportReport> {
    return this.importFile('disqus', query, request, actor);
  }

  @Post('wordpress')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Import a WordPress WXR export (or dry-run it): its approved comments become approved comments, source import:wordpress', description: DESCRIPTION })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiResponse({ status: 431, description: 'the request head (the mapping in the query) is larger than 16 KB: use npm run import with a mapping file' })
  @ApiBody({ schema: { type: 'string', description: 'the WXR file (RSS 2.0 with <item> and <wp:comment> elements)' } })
  wordpress(@Query() query: ImportFileQuery, @Req() request: FastifyRequest, @CurrentUser() actor: Actor): Promise<ImportReport> {
    return this.importFile('wordpress', query, request, actor);
  }

  private importFile(format: ImportFormat, query: ImportFileQuery, request: FastifyRequest, actor: Actor): Promise<ImportReport> {
    if (!XML_TYPES.has((request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase())) {
      throw new DomainError('invalid', 'unsupported_media_type', 'the export must be sent as application/xml or text/xml');
    }
    return this.imports.importFile(format, query, request.raw, actor);
  }
}

export const XML_TYPES = new Set(['application/xml', 'text/xml']);
