import { request } from 'undici';
import { RateLimited, Score, Scorer, ScoringInput } from './scorer';

/**
 * Google's Perspective API (comments:analyze), TOXICITY only. A thin client: the request and
 * response are those of developers.perspectiveapi.com's "Methods" page; the comment is not
 * stored by Google (doNotStore).
 */
export class PerspectiveScorer implements Scorer {
  readonly name = 'perspective';
  readonly measures = 'toxicity';

  constructor(
    private readonly endpoint: string,
    private readonly key: string,
    private readonly languages: string[] = ['en'],
  ) {}

  async score(input: ScoringInput, signal: AbortSignal): Promise<Score> {
    const url = new URL(this.endpoint);
    url.searchParams.set('key', this.key);
    const response = await request(url, {
      method: 'POST',
      signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        comment: { text: input.body, type: 'PLAIN_TEXT' },
        languages: this.languages,
        requestedAttributes: { TOXICITY: {} },
        doNotStore: true,
        clientToken: input.commentId,
      }),
    });
    const body = (await response.body.json().catch(() => null)) as PerspectiveResponse | null;
    if (response.statusCode === 429) throw new RateLimited(this.name, headerOf(response.headers['retry-after']));
    if (response.statusCode !== 200) {
      throw new Error(`perspective answered ${response.statusCode}${body?.error ? ` ${body.error.status}: ${body.error.message}` : ''}`);
    }
    const value = body?.attributeScores?.TOXICITY?.summaryScore?.value;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error('perspective answered without a TOXICITY summaryScore');
    return { score: value, evidence: `TOXICITY summaryScore ${value.toFixed(3)}` };
  }
}

interface PerspectiveResponse {
  attributeScores?: Record<string, { summaryScore?: { value: number; type?: string } }>;
  languages?: string[];
  error?: { code: number; message: string; status: string };
}

const headerOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;
