import { ConfigError, loadConfig } from '@app/config';
import { ModerationConfig } from './moderation.config';

const SECRET = { SERVICE_AUTH_SECRET: 's'.repeat(32) };

describe('ModerationConfig', () => {
  it('defaults to approving a fresh reader\'s clean comment, with the documented lists and thresholds', () => {
    expect(loadConfig(ModerationConfig, SECRET)).toMatchObject({
      MODERATION_BANNED_WORDS: [],
      MODERATION_ENGLISH_PROFANITY: true,
      MODERATION_SUSPECT_WORDS: ['idiot', 'moron', 'stupid', 'liar'],
      MODERATION_NEW_COMMENTER_THRESHOLD: 0,
      MODERATION_REPEAT_WINDOW_SECONDS: 600,
      MODERATION_REPORT_THRESHOLD: 3,
      MODERATION_SHOUTING_RATIO: 0.7,
      MODERATION_JUNK_RUN_LENGTH: 10,
      MODERATION_CACHE_TTL_MS: 1_000,
      MODERATION_CACHE_MAX_BYTES: 8 * 1024 ** 2,
      MODERATION_BATCH_LINGER_MS: 2,
      MODERATION_BATCH_MAX: 200,
      MODERATION_SANCTIONS_REFRESH_MS: 1_000,
    });
  });

  it('reads word lists and numbers from their text form', () => {
    const config = loadConfig(ModerationConfig, {
      ...SECRET,
      MODERATION_BANNED_WORDS: 'scumbag, dirt bag',
      MODERATION_SUSPECT_WORDS: 'clown',
      MODERATION_ENGLISH_PROFANITY: 'false',
      MODERATION_SHOUTING_RATIO: '0.8',
      MODERATION_REPORT_THRESHOLD: '5',
    });
    expect(config).toMatchObject({ MODERATION_BANNED_WORDS: ['scumbag', 'dirt bag'], MODERATION_SUSPECT_WORDS: ['clown'], MODERATION_ENGLISH_PROFANITY: false, MODERATION_SHOUTING_RATIO: 0.8, MODERATION_REPORT_THRESHOLD: 5 });
  });

  it('names every bad setting', () => {
    let error: unknown;
    try {
      loadConfig(ModerationConfig, { ...SECRET, MODERATION_BANNED_WORDS: 'ok,(evil|regex)', MODERATION_REPORT_THRESHOLD: '0', MODERATION_SHOUTING_RATIO: '2', MODERATION_CACHE_TTL_MS: '-1', MODERATION_CACHE_MAX_BYTES: '-1', MODERATION_BATCH_LINGER_MS: '-1', MODERATION_BATCH_MAX: '0', MODERATION_SANCTIONS_REFRESH_MS: '-5' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['MODERATION_BANNED_WORDS', 'MODERATION_REPORT_THRESHOLD', 'MODERATION_SHOUTING_RATIO', 'MODERATION_CACHE_TTL_MS', 'MODERATION_CACHE_MAX_BYTES', 'MODERATION_BATCH_LINGER_MS', 'MODERATION_BATCH_MAX', 'MODERATION_SANCTIONS_REFRESH_MS']) expect((error as ConfigError).message).toContain(name);
  });
});

describe('ModerationConfig: scorers', () => {
  it('has every scorer off by default, with the documented thresholds, deadline and fallback', () => {
    const config = loadConfig(ModerationConfig, SECRET);
    expect(config.MODERATION_PERSPECTIVE_URL).toBeUndefined();
    expect(config.MODERATION_AKISMET_KEY).toBeUndefined();
    expect(config).toMatchObject({
      MODERATION_PERSPECTIVE_HOLD: 0.7,
      MODERATION_PERSPECTIVE_REJECT: 0.9,
      MODERATION_AKISMET_HOLD: 0.5,
      MODERATION_AKISMET_REJECT: 0.95,
      MODERATION_SCORER_DEADLINE_MS: 300,
      MODERATION_SCORER_FALLBACK: 'hold',
    });
  });

  it('refuses a reject threshold below its hold threshold, a bad URL and an unknown fallback, naming each', () => {
    let error: unknown;
    try {
      loadConfig(ModerationConfig, {
        MODERATION_PERSPECTIVE_HOLD: '0.8',
        MODERATION_PERSPECTIVE_REJECT: '0.6',
        MODERATION_AKISMET_URL: 'not a url',
        MODERATION_SCORER_FALLBACK: 'approve',
        MODERATION_SCORER_DEADLINE_MS: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['MODERATION_PERSPECTIVE_REJECT must be at least MODERATION_PERSPECTIVE_HOLD', 'MODERATION_AKISMET_URL', 'MODERATION_SCORER_FALLBACK', 'MODERATION_SCORER_DEADLINE_MS']) {
      expect(message).toContain(name);
    }
  });
});
