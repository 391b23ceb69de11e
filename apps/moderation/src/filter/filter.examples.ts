import { CaseState } from '../cases/case.schema';
import { LabelledExample } from './filter.classifier';

/**
 * The labelled examples a case gives (pure; to be fed from the case journal's latest states):
 * a moderator's approve or reject, and a rules reject, label the body; a rules approval or hold
 * says nothing a human confirmed, and an imported comment was never reviewed here. A deleted
 * case's last verdict still counts: a moderator decided before its author deleted it.
 */
export function exampleOf(state: Pick<CaseState, 'body' | 'verdict'>): LabelledExample | null {
  const { verdict } = state;
  if (verdict.rule === 'moderator') {
    if (verdict.decision === 'approve') return { text: state.body, label: 'approve' };
    if (verdict.decision === 'reject') return { text: state.body, label: 'reject' };
    return null;
  }
  if (verdict.rule === 'import') return null;
  // The scores' own rejects are left out, so the filter does not learn from itself.
  return verdict.decision === 'reject' && verdict.rule !== 'scores' ? { text: state.body, label: 'reject' } : null;
}
