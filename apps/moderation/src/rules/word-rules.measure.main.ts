// `npm run words:measure`: prints the word rules' figures on the public lists (default settings).
import { loadConfig } from '@app/config';
import { ModerationConfig } from '../moderation.config';
import { ruleSettingsFrom } from './rule-settings';
import { formatWordRules, measureWordRules } from './word-rules.measure';

const started = Date.now();
console.log(formatWordRules(measureWordRules(ruleSettingsFrom(loadConfig(ModerationConfig, { SERVICE_AUTH_SECRET: 'only the rule settings are read here' })))));
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
