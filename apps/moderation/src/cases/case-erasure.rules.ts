import { ERASED_AUTHOR_NAME } from '@app/contracts';
import { CaseChange } from './case.rules';
import { CaseState, CaseVerdict, HistoryItem } from './case.schema';

/** What the journal says of an erased author's case, in its own history. */
export const ERASED_WHY =
  'its author’s account was erased: the text, the author’s name and any evidence quoting the text were removed; ' +
  'the decisions (rule or moderator, decision, reason, time) and the author’s login id are kept as the record of moderation';

/** Rules whose evidence quotes the comment's text (a word as written, a link, a run of characters). */
const QUOTING_RULES = new Set(['banned_words', 'suspect_words', 'links', 'junk']);
const REMOVED_EVIDENCE = 'evidence quoted the text; removed with it';

const redactVerdict = (verdict: CaseVerdict): CaseVerdict =>
  !verdict.by && QUOTING_RULES.has(verdict.rule) ? { ...verdict, reason: REMOVED_EVIDENCE } : verdict;

/** Pure: a case's state without its author's text and name (the id and the decisions stay). */
export function redactState(state: CaseState): CaseState {
  return {
    ...state,
    body: '',
    author: { ...(state.author.id ? { id: state.author.id } : {}), name: ERASED_AUTHOR_NAME },
    verdict: redactVerdict(state.verdict),
    erased: true,
  };
}

/** Pure: a journal entry's history items without the author's text, name or quoting evidence. */
export function redactHistory(items: HistoryItem[]): HistoryItem[] {
  return items.map((item) => {
    switch (item.type) {
      case 'submitted':
      case 'edited':
      case 'imported':
        return { ...item, body: '', author: { ...(item.author.id ? { id: item.author.id } : {}), name: ERASED_AUTHOR_NAME } };
      case 'rule_verdict':
        return QUOTING_RULES.has(item.rule) ? { ...item, evidence: REMOVED_EVIDENCE } : item;
      case 'moderator_override':
        return { ...item, overridden: !item.overridden.by && QUOTING_RULES.has(item.overridden.rule) ? { ...item.overridden, reason: REMOVED_EVIDENCE } : item.overridden };
      default:
        return item;
    }
  });
}

/**
 * Pure: the journal entry that erases a case: out of every queue (deleted), text gone, saying so.
 * Null when the case is erased already (a redelivered event, or both user.erased and the
 * comment's erased deletion reaching it).
 */
export function eraseCase(current: CaseState, now: Date): CaseChange | null {
  if (current.erased) return null;
  const history: HistoryItem[] = [{ type: 'erased', at: now, why: ERASED_WHY }];
  if (current.status !== 'deleted') history.push({ type: 'status_changed', at: now, from: current.status, to: 'deleted', why: 'its author’s account was erased' });
  return { state: { ...redactState(current), status: 'deleted' }, history };
}
