import { ModerationConfig } from '../moderation.config';
import { RuleSettings } from './moderation.rules';
import { WordMatcher } from './word-matcher';

/** The rules' settings, built once from the validated config (the word lists compile once). */
export const RULE_SETTINGS = Symbol('RULE_SETTINGS');

export const ruleSettingsFrom = (config: ModerationConfig): RuleSettings => ({
  banned: new WordMatcher(config.MODERATION_BANNED_WORDS, { includeEnglishProfanity: config.MODERATION_ENGLISH_PROFANITY }),
  suspect: new WordMatcher(config.MODERATION_SUSPECT_WORDS, { category: 'listed' }),
  newCommenterThreshold: config.MODERATION_NEW_COMMENTER_THRESHOLD,
  shoutingRatio: config.MODERATION_SHOUTING_RATIO,
  junkRunLength: config.MODERATION_JUNK_RUN_LENGTH,
});
