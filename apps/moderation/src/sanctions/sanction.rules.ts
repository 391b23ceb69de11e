import { Actor, SanctionInput, SanctionKind } from '@app/contracts';
import { SanctionEntryDocument } from './sanction.schema';
import { banWithEnd, suspensionWithoutEnd, untilInPast, warningWithEnd } from './sanctions.errors';

/** acknowledged: a warning its reader acknowledged (a lift by the reader). */
export type SanctionStatus = 'active' | 'lifted' | 'expired' | 'acknowledged';

/** A sanction as the API shows it, folded from its journal lines. */
export interface SanctionView {
  id: string;
  userId: string;
  kind: SanctionKind;
  until?: string;
  reason: string;
  by: { id: string; name: string };
  at: string;
  status: SanctionStatus;
  lifted?: { by: { id: string; name: string }; at: string };
}

/**
 * A sanction's end: a suspension needs one, a ban never has one (it lasts until lifted; a ban
 * with an end is a suspension), pre-moderation may. An end must be in the future.
 */
export function checkSanction(input: SanctionInput, now: Date): void {
  if (input.kind === 'suspend' && !input.until) throw suspensionWithoutEnd();
  if (input.kind === 'ban' && input.until) throw banWithEnd();
  if (input.kind === 'warn' && input.until) throw warningWithEnd();
  if (input.until && input.until.getTime() <= now.getTime()) throw untilInPast(input.until);
}

const who = (actor: Actor) => ({ id: actor.id, name: actor.name });

/** Folds journal lines (any order, any users) into sanctions, oldest first. */
export function foldSanctions(entries: SanctionEntryDocument[], now: Date): SanctionView[] {
  const lifts = new Map(entries.filter((e) => e.type === 'lifted').map((e) => [e.sanctionId, e]));
  return entries
    .filter((e) => e.type === 'imposed')
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((imposed) => {
      const lift = lifts.get(imposed.sanctionId);
      const status: SanctionStatus = lift ? (imposed.kind === 'warn' && lift.by.id === imposed.userId ? 'acknowledged' : 'lifted') : imposed.until && imposed.until.getTime() <= now.getTime() ? 'expired' : 'active';
      return {
        id: imposed.sanctionId,
        userId: imposed.userId,
        kind: imposed.kind,
        ...(imposed.until ? { until: imposed.until.toISOString() } : {}),
        reason: imposed.reason,
        by: who(imposed.by),
        at: imposed.at.toISOString(),
        status,
        ...(lift ? { lifted: { by: who(lift.by), at: lift.at.toISOString() } } : {}),
      };
    });
}

/** Whether a sanction puts its reader's comments under pre-moderation (a warning does not; bans and suspensions stop posts before review). */
export const premoderates = (sanction: SanctionView): boolean => sanction.kind !== 'warn';

/** How a sanction reads in a rule's evidence. */
export const describeSanction = (sanction: SanctionView): string =>
  `a ${sanction.kind} sanction ${sanction.until ? `until ${sanction.until}` : 'until lifted'} (${sanction.reason})`;
