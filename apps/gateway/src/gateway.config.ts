import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { EnvBoolean, EnvList, ServiceConfig } from '@app/config';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** The gateway listens to the comments topic only to keep its thread cache current (see thread-cache/). */
export class GatewayConfig extends ServiceConfig {
  override PORT: number = 3000;

  @IsUrl(url)
  ARTICLES_URL = 'http://127.0.0.1:3001';

  @IsUrl(url)
  COMMENTS_URL = 'http://127.0.0.1:3002';

  @IsUrl(url)
  MODERATION_URL = 'http://127.0.0.1:3003';

  /** HS256 key shared with the news site's login. Required: there is no default secret. */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET: string;

  /** The longest lifetime of a reader's token (exp − iat, and exp − now): longer ones are refused. */
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  JWT_MAX_TTL_SECONDS: number = 86_400;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  /** How long the gateway waits for a service behind it. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  UPSTREAM_TIMEOUT_MS: number = 5_000;

  /** Writes (posts, edits, reports) a reader may make per minute. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  RATE_LIMIT_READER_PER_MINUTE: number = 10;

  /** Writes per minute from one client address (many readers may share one, e.g. an office). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_ADDRESS_PER_MINUTE: number = 120;

  /** Behind a load balancer: take the client address from X-Forwarded-For. */
  @EnvBoolean()
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  /**
   * Proxies in front of the gateway that append to X-Forwarded-For (load balancer: 1; CDN and
   * load balancer: 2). The client address is the entry this many hops from the right: entries
   * further left are written by the client and cannot be trusted.
   */
  @IsInt()
  @Min(1)
  @Max(10)
  TRUST_PROXY_HOPS: number = 1;

  /** Longest time to receive a whole request (headers and body); slower clients get 408 and are cut off. */
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 10_000;

  /** How long an idle keep-alive connection stays open; keep it above the load balancer's idle timeout. */
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 72_000;

  @IsInt()
  @Min(1_024)
  @Max(10_485_760)
  BODY_LIMIT_BYTES: number = 262_144;

  /** Largest export POST /api/v1/imports/* takes (streamed to a temporary file, never held in memory); larger: the import command. */
  @IsInt()
  @Min(1_024)
  @Max(1_073_741_824)
  IMPORT_BODY_LIMIT_BYTES: number = 52_428_800;

  /** Stories whose thread pages the gateway keeps in memory; 0 turns the cache off. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  THREAD_CACHE_MAX_STORIES: number = 10_000;

  /** Memory the cached thread pages may hold, in bytes (bodies as UTF-16); 0 turns the cache off. */
  @IsInt()
  @Min(0)
  @Max(2 ** 31)
  THREAD_CACHE_MAX_BYTES: number = 64 * 1024 ** 2;

  /**
   * The oldest cached page ever served. Events keep pages current and a lost listener turns the
   * cache off, so this only bounds a listener that is connected but hears nothing; pages are
   * refreshed in the background from half this age. Shorter means more refetches: at 10 s, 1,000
   * stories read at random cost the comments service 200 refreshes a second (measured).
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  THREAD_CACHE_MAX_AGE_MS: number = 60_000;

  /**
   * Origins of the news sites whose pages embed the widget (e.g. "https://www.ctnewsjunkie.com"):
   * they may call the public API and open live streams from the reader's browser. Empty: none.
   */
  @EnvList()
  @IsUrl(url, { each: true, message: 'CORS_ORIGINS must be a list of http(s) origins' })
  CORS_ORIGINS: string[] = [];

  /** Live streams (SSE) one gateway holds at once; beyond it a new one is refused with 503 and Retry-After. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LIVE_MAX_CONNECTIONS: number = 20_000;

  /** A comment line on every live stream this often, so proxies and the socket timeout keep it open. */
  @IsInt()
  @Min(1_000)
  @Max(120_000)
  LIVE_HEARTBEAT_MS: number = 15_000;

  /** Recent live events kept for clients that reconnect with Last-Event-ID; older ids get a reset. */
  @IsInt()
  @Min(0)
  @Max(100_000)
  LIVE_REPLAY_EVENTS: number = 2_000;
}
