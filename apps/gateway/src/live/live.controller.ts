import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@app/contracts';
import { Public, Roles } from '../auth/auth.decorators';
import { ThreadCache } from '../thread-cache/thread-cache';
import { UpstreamClient } from '../upstream/upstream.client';
import { articleChannel, LiveHub, MODERATION_CHANNEL } from './live.hub';
import { resourceId } from '../ids/resource-id.pipe';

const id = resourceId;
// Read from the request rather than with @Headers(): swagger documents such a parameter as a
// required header of its own, beside the optional one declared here.
const lastEventIdOf = (request: FastifyRequest) => {
  const value = request.headers['last-event-id'];
  return typeof value === 'string' ? value : undefined;
};
const lastEventId = { name: 'Last-Event-ID', required: false, description: 'resume after this event (sent by EventSource on reconnect); an unknown id gets event `reset`' };

/**
 * Server-Sent Events. Readers: one stream per story. Moderators: queue movements. Each stream
 * holds one of the gateway's LIVE_MAX_CONNECTIONS slots; none is opened for a hidden or
 * unknown story (the thread read answers 404 first).
 */
@ApiTags('live')
@ApiBearerAuth()
@Controller('api/v1')
export class LiveController {
  constructor(
    private readonly hub: LiveHub,
    private readonly upstream: UpstreamClient,
    private readonly cache: ThreadCache,
  ) {}

  @Get('articles/:id/live')
  @Public()
  @ApiOperation({
    summary: "A story's live stream (text/event-stream): approved comments, removals, thread state and count",
    description:
      'Events: `comment` {comment|null, commentId, commentCount, approvedAt} when a comment is approved (new or edited; null: reload it), ' +
      '`removed` {commentId, commentCount}, `thread` {state, commentCount, closesAt, archivesAt}, `reset` (reload: events were missed). ' +
      'Heartbeat comments keep it open. 404 for a hidden or unknown story, 503 with Retry-After when the gateway holds its maximum of streams.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader(lastEventId)
  @ApiResponse({ status: 200, description: 'the stream' })
  @ApiResponse({ status: 404, description: 'no such story, or it is hidden' })
  @ApiResponse({ status: 503, description: 'live_streams_full; see Retry-After' })
  async article(
    @Param('id', id) articleId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const key = articleId.toLowerCase();
    // The thread read (from memory when cached) says whether the story is visible.
    await this.cache.read(key, '1|', () => this.upstream.callRaw('comments', { method: 'GET', path: `/threads/${key}/comments`, query: { limit: 1 } }));
    this.open(articleChannel(key), request, reply, lastEventIdOf(request));
  }

  @Get('moderation/live')
  @Roles('moderator')
  @ApiOperation({
    summary: 'Moderators: queue movements as they happen (text/event-stream; read it with fetch() and the bearer token)',
    description:
      'Event `queue` {change: "entered"|"left", queue: "pending"|"held"|"reported"|"approved"|"rejected", commentId, articleId, at}; `reset` when events were missed.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader(lastEventId)
  @ApiResponse({ status: 200, description: 'the stream' })
  @ApiResponse({ status: 503, description: 'live_streams_full; see Retry-After' })
  moderation(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.open(MODERATION_CHANNEL, request, reply, lastEventIdOf(request));
  }

  private open(channel: string, request: FastifyRequest, reply: FastifyReply, last: string | undefined): void {
    if (!this.hub.reserve()) {
      void reply.header('Retry-After', '5');
      throw new DomainError('unavailable', 'live_streams_full', 'this gateway holds as many live streams as it may; try again shortly');
    }
    reply.hijack();
    const raw = reply.raw;
    // Headers set so far (CORS, correlation id) go with the stream's head.
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    // A stream is idle between events on purpose: heartbeats, not the socket timeout, watch it.
    request.raw.socket.setTimeout(0);
    request.raw.socket.setNoDelay(true);
    const unsubscribe = this.hub.subscribe(
      channel,
      {
        write: (frame) => {
          if (!raw.writableEnded) raw.write(frame);
        },
        end: () => {
          unsubscribe();
          raw.end();
        },
      },
      last,
    );
    raw.on('close', unsubscribe);
  }
}
