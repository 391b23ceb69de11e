import { request } from 'undici';
import { RateLimited, Score, Scorer, ScoringInput } from './scorer';

/** Akismet's answer as a score: "false" → 0; "true" → 0.9; "true" with X-akismet-pro-tip: discard (blatant spam) → 1. */
export const AKISMET_SPAM = 0.9;
export const AKISMET_BLATANT = 1;

/**
 * Akismet's comment-check (akismet.com/developers/detailed-docs/comment-check): a form post
 * answered "true" (spam) or "false"; "invalid" (with X-akismet-debug-help) for a bad key or
 * request. A thin client: the maintained packages take no abort signal, and the deadline must.
 * Our events carry no reader IP or user agent, so user_ip and user_agent are not sent.
 */
export class AkismetScorer implements Scorer {
  readonly name = 'akismet';
  readonly measures = 'spam';

  constructor(
    private readonly endpoint: string,
    private readonly key: string,
    /** The site's front page, Akismet's "blog". */
    private readonly blog: string,
    /** Whether Akismet is told these are tests (is_test=true: they do not train it). */
    private readonly isTest = false,
  ) {}

  async score(input: ScoringInput, signal: AbortSignal): Promise<Score> {
    const form = new URLSearchParams({
      api_key: this.key,
      blog: this.blog,
      comment_type: 'comment',
      comment_author: input.author.name,
      comment_content: input.body,
      comment_date_gmt: input.at.toISOString(),
      permalink: new URL(`/stories/${input.story.slug ?? input.story.id}`, this.blog).toString(),
      blog_lang: 'en',
      blog_charset: 'UTF-8',
    });
    if (this.isTest) form.set('is_test', 'true');
    const response = await request(this.endpoint, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const text = (await response.body.text()).trim();
    if (response.statusCode === 429) throw new RateLimited(this.name, headerOf(response.headers['retry-after']));
    if (response.statusCode !== 200 || (text !== 'true' && text !== 'false')) {
      const help = headerOf(response.headers['x-akismet-debug-help']) ?? headerOf(response.headers['x-akismet-alert-msg']);
      throw new Error(`akismet answered ${response.statusCode} "${text.slice(0, 50)}"${help ? ` (${help})` : ''}`);
    }
    if (text === 'false') return { score: 0, evidence: 'comment-check "false"' };
    const discard = headerOf(response.headers['x-akismet-pro-tip']) === 'discard';
    return discard ? { score: AKISMET_BLATANT, evidence: 'comment-check "true", X-akismet-pro-tip: discard' } : { score: AKISMET_SPAM, evidence: 'comment-check "true"' };
  }
}

const headerOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;
