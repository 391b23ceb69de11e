// The bench posts these bodies and counts on the automatic rules approving every one: should a
// rule change start holding them, the bench would measure the human queue instead.
import { review } from '../../apps/moderation/src/rules/moderation.rules';
import { loadConfig } from '@app/config';
import { ModerationConfig } from '../../apps/moderation/src/moderation.config';
import { ruleSettingsFrom } from '../../apps/moderation/src/rules/rule-settings';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cleanBody } = require('./bodies') as { cleanBody: (tag: string) => string };

// The rules as the moderation service runs them by default (its config with no overrides).
const settings = ruleSettingsFrom(loadConfig(ModerationConfig, { SERVICE_AUTH_SECRET: 's'.repeat(32) }));

describe('bench comment bodies', () => {
  it('are unique and approved by the default rules', () => {
    const seen = new Set<string>();
    const verdicts: Record<string, number> = {};
    for (const tag of ['writes', 'mixed', 'burst', 'probe', 'warmup', 'imported']) {
      for (let i = 0; i < 1_000; i++) {
        const body = cleanBody(tag);
        seen.add(body);
        const { rule } = review({ body, story: { preModeration: false }, author: { approvedCount: 0, premoderated: false, recentBodies: [] } }, settings);
        verdicts[rule] = (verdicts[rule] ?? 0) + 1;
      }
    }
    expect(seen.size).toBe(6_000);
    expect(verdicts).toEqual({ clean: 6_000 });
  });
});
