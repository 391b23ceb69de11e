// The fault suite (test/faults) counts on the automatic rules deciding its texts by their kind;
// a text that decides otherwise by chance is reported as a lost comment (found at post 455:
// "number …-455" read as a banned word).
import { review } from '../../apps/moderation/src/rules/moderation.rules';
import { loadConfig } from '@app/config';
import { ModerationConfig } from '../../apps/moderation/src/moderation.config';
import { ruleSettingsFrom } from '../../apps/moderation/src/rules/rule-settings';
import { textOf } from './load';

// The rules as the moderation service runs them by default (its config with no overrides).
const settings = ruleSettingsFrom(loadConfig(ModerationConfig, { SERVICE_AUTH_SECRET: 's'.repeat(32) }));

describe('the fault suite texts', () => {
  it('are decided by their kind, for the first 5,000 posts', () => {
    const expected = { clean: 'approve', suspect: 'hold', banned: 'reject' } as const;
    const wrong: string[] = [];
    for (let n = 0; n < 5_000; n++) {
      for (const kind of ['clean', 'suspect', 'banned'] as const) {
        const { decision } = review({ body: textOf(kind, n), story: { preModeration: false }, author: { approvedCount: 5, premoderated: false, recentBodies: [] } }, settings);
        if (decision !== expected[kind]) wrong.push(`${kind} ${n}: ${decision}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
