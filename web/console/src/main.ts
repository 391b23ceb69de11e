// The moderator console: sign-in, the four queues with live counts, decisions single and bulk,
// search, the reader's drawer and a comment's history. Keyboard: j/k, a, r, x, ?, / (docs/console.md).

import './console.css';
import { ApiError, Counts, Decision, ModerationApi, Queue, QueueFilter, QueueItem, QUEUES } from './api';
import { h, time, when } from './dom';
import { openDrawer } from './drawer';
import { connectLive, LiveHandle, LiveState, QueueChange } from './live';
import { forgetToken, identityOf, storedToken, storeToken, tokenFromFragment } from './session';

const QUEUE_LABELS: Record<Queue, string> = { held: 'Held', reported: 'Reported', approved: 'Approved', rejected: 'Rejected' };
const SHORTCUTS: [string, string][] = [
  ['j', 'next comment'],
  ['k', 'previous comment'],
  ['a', 'approve the current comment (with the reason typed, or "Approved")'],
  ['r', 'reject: puts the cursor in the reason field; Enter rejects'],
  ['x', 'select or unselect the current comment for a bulk decision'],
  ['/', 'search'],
  ['?', 'this help'],
];

let token: string | null = null;
const api = new ModerationApi(() => token);
let live: LiveHandle | undefined;

const state = {
  queue: 'held' as Queue,
  filter: {} as Omit<QueueFilter, 'status' | 'cursor'>,
  items: [] as QueueItem[],
  nextCursor: null as string | null,
  current: 0,
  counts: null as Counts | null,
  selected: new Set<string>(),
  /** Items someone else decided while they were on screen: marked, never silently removed. */
  elsewhere: new Map<string, string>(),
  /** What this console decided, so the stream's "left" for it is not taken for a colleague's. */
  mine: new Set<string>(),
  /** Which decision Enter in an item's reason field makes (set by the r shortcut). */
  pending: new Map<string, Decision>(),
  entered: 0,
};

const app = document.getElementById('app')!;
const status = h('p', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' });
const announce = (message: string) => {
  status.textContent = '';
  // a fresh text node each time, so screen readers repeat an identical message
  setTimeout(() => (status.textContent = message), 30);
};

// ---- sign-in ----

function signIn(candidate: string): Promise<boolean> {
  token = candidate.trim();
  return api.counts().then(
    (counts) => {
      storeToken(token!);
      state.counts = counts;
      showConsole();
      return true;
    },
    (error: ApiError) => {
      token = null;
      forgetToken();
      showSignIn(error.status === 401 || error.status === 403 ? `That token was refused (${error.code}): ${error.message}` : error.message);
      return false;
    },
  );
}

function signOut(): void {
  live?.close();
  token = null;
  forgetToken();
  state.items = [];
  state.selected.clear();
  showSignIn('Signed out.');
}

function showSignIn(message = ''): void {
  const field = h('textarea', { id: 'token', name: 'token', rows: 4, required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-help' });
  const error = h('p', { class: 'error', role: 'alert' }, message);
  app.replaceChildren(
    h(
      'main',
      { class: 'sign-in' },
      h('h1', {}, 'Moderator console'),
      h(
        'form',
        { onsubmit: (e: Event) => (e.preventDefault(), void signIn(field.value)) },
        h('label', { for: 'token' }, 'Moderator token'),
        field,
        h('p', { id: 'token-help', class: 'muted' }, "Paste the token your newsroom's login gave you. It is kept in this tab only."),
        h('button', { type: 'submit' }, 'Sign in'),
        error,
      ),
    ),
  );
  field.focus();
}

// ---- the console ----

const countsNav = h('nav', { 'aria-label': 'Queues', class: 'queues' });
const liveBadge = h('span', { class: 'live', id: 'live-state' });
const list = h('ol', { class: 'items', 'aria-label': 'Comments in the queue' });
const bulkBar = h('div', { class: 'bulk', role: 'region', 'aria-label': 'Bulk decision' });
const more = h('div', { class: 'more' });
const enteredNote = h('div', { class: 'entered' });

function showConsole(): void {
  const who = identityOf(token!);
  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'Moderator console'),
      h('span', { class: 'who' }, `Signed in as ${who?.name || 'moderator'}`),
      liveBadge,
      h('button', { type: 'button', onclick: () => showHelp() }, 'Shortcuts (?)'),
      h('button', { type: 'button', onclick: signOut }, 'Sign out'),
    ),
    countsNav,
    searchForm(),
    status,
    h('main', {}, h('h2', { id: 'queue-title', class: 'visually-hidden' }), enteredNote, bulkBar, list, more),
  );
  renderCounts();
  void load();
  live?.close();
  live = connectLive({ token: () => token, onChange, onState: renderLive, refresh: () => void refreshCounts() });
}

function renderLive(s: LiveState): void {
  liveBadge.textContent = s === 'live' ? '● Live' : s === 'polling' ? 'Counts refresh every few seconds' : 'Connecting…';
  liveBadge.dataset.state = s;
}

function renderCounts(): void {
  countsNav.replaceChildren(
    ...QUEUES.map((q) =>
      h(
        'button',
        { type: 'button', class: 'queue', 'data-queue': q, 'aria-current': q === state.queue ? 'page' : undefined, onclick: () => switchQueue(q) },
        QUEUE_LABELS[q],
        ' ',
        h('span', { class: 'count', 'data-count': q }, state.counts ? String(state.counts[q]) : '…'),
      ),
    ),
  );
}

let countsTimer: ReturnType<typeof setTimeout> | undefined;
async function refreshCounts(): Promise<void> {
  try {
    state.counts = await api.counts();
    renderCounts();
  } catch (error) {
    if ((error as ApiError).status === 401) signOut();
  }
}

function onChange(change: QueueChange): void {
  // Coalesce a burst of changes into one count refresh.
  clearTimeout(countsTimer);
  countsTimer = setTimeout(() => void refreshCounts(), 250);
  const onScreen = state.items.some((i) => i.comment.id === change.commentId);
  if (change.change === 'left' && onScreen && change.queue === state.queue && !state.mine.has(change.commentId)) {
    markElsewhere(change.commentId, 'Another moderator decided this comment meanwhile; it has left this queue.');
  } else if (change.change === 'entered' && change.queue === state.queue && !onScreen && inFilter(change)) {
    state.entered += 1;
    enteredNote.replaceChildren(h('button', { type: 'button', onclick: () => void load() }, `Show ${state.entered} new in this queue`));
  }
}

// A search narrowed to one story is offered only that story's arrivals (the stream carries no author).
const inFilter = (change: QueueChange) => !state.filter.articleId || state.filter.articleId.toLowerCase() === change.articleId.toLowerCase();

function markElsewhere(commentId: string, note: string): void {
  state.elsewhere.set(commentId, note);
  state.selected.delete(commentId);
  renderList(false);
  announce(note);
}

function switchQueue(queue: Queue): void {
  state.queue = queue;
  renderCounts();
  // the other queue's items must not stand under this queue's tab while its answer is on the way
  state.items = [];
  state.nextCursor = null;
  list.replaceChildren(h('li', { class: 'empty' }, 'Loading…'));
  list.setAttribute('aria-busy', 'true');
  more.replaceChildren();
  void load();
}

let loads = 0;
async function load(append = false): Promise<void> {
  // only the latest request's answer is shown: a slower, older one must not undo a selection
  const mine = ++loads;
  if (!append) {
    state.entered = 0;
    enteredNote.replaceChildren();
  }
  try {
    const page = await api.queue({ status: state.queue, ...state.filter, cursor: append ? state.nextCursor ?? undefined : undefined });
    if (mine !== loads) return;
    if (append) state.items.push(...page.items);
    else {
      state.items = page.items;
      state.current = 0;
      state.selected.clear();
      state.elsewhere.clear();
    }
    state.nextCursor = page.nextCursor;
    list.removeAttribute('aria-busy');
    (document.getElementById('queue-title') as HTMLElement).textContent = `${QUEUE_LABELS[state.queue]} comments`;
    renderList(false);
    announce(`${QUEUE_LABELS[state.queue]}: ${state.items.length}${state.nextCursor ? '+' : ''} comment${state.items.length === 1 ? '' : 's'} shown.`);
  } catch (error) {
    if ((error as ApiError).status === 401) return signOut();
    if (mine === loads) list.removeAttribute('aria-busy');
    announce(`The queue could not be loaded: ${(error as Error).message}`);
  }
}

function searchForm(): HTMLFormElement {
  const field = (id: string, label: string, attrs: Record<string, string> = {}) => [h('label', { for: id }, label), h('input', { id, name: id, autocomplete: 'off', ...attrs })];
  const form = h(
    'form',
    { class: 'search', role: 'search', 'aria-label': 'Search the queue' },
    h('div', {}, ...field('search-q', 'Text', { type: 'search', maxlength: '200' })),
    h('div', {}, ...field('search-author', 'Author id')),
    h('div', {}, ...field('search-story', 'Story id')),
    h('div', {}, ...field('search-section', 'Section (category)', { maxlength: '100' })),
    h('div', {}, ...field('search-from', 'Posted from', { type: 'date' })),
    h('div', {}, ...field('search-to', 'Posted to', { type: 'date' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'), h('button', { type: 'reset' }, 'Clear')),
  );
  const value = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).value.trim() || undefined;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const from = value('search-from');
    const to = value('search-to');
    const story = value('search-story');
    if (story && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(story)) return announce('A story id is a UUID, as in the story’s address in the API.');
    // the dates are days on the moderator's calendar: from its start, to the end of the "to" day
    const day = (d: string, plus = 0) => new Date(new Date(`${d}T00:00:00`).getTime() + plus * 86_400_000).toISOString();
    state.filter = { q: value('search-q'), authorId: value('search-author'), articleId: story, category: value('search-section'), from: from && day(from), to: to && day(to, 1) };
    void load();
  });
  form.addEventListener('reset', () => {
    state.filter = {};
    setTimeout(() => void load());
  });
  return form;
}

// ---- the list ----

function renderList(keepFocus = true): void {
  const focusWasInside = list.contains(document.activeElement);
  const focusedId = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.item')?.dataset.id;
  list.replaceChildren(...state.items.map((item, index) => itemView(item, index)));
  if (!state.items.length) list.append(h('li', { class: 'empty' }, 'Nothing in this queue.'));
  state.current = Math.min(state.current, Math.max(0, state.items.length - 1));
  markCurrent();
  if (focusWasInside || keepFocus) {
    const again = focusedId && list.querySelector<HTMLElement>(`.item[data-id="${focusedId}"]`);
    if (again && !keepFocus) again.focus();
    else if (focusWasInside) focusCurrent();
  }
  renderBulk();
  more.replaceChildren(state.nextCursor ? h('button', { type: 'button', onclick: () => void load(true) }, 'Load more') : '');
}

function itemView(item: QueueItem, index: number): HTMLElement {
  const { comment, story, author, why } = item;
  const id = comment.id;
  const elsewhere = state.elsewhere.get(id);
  // A colleague decided it: what is left is to reverse it, with a reason (an override).
  const reversal: Decision | null = why.moderator ? (comment.status === 'approved' ? 'reject' : comment.status === 'rejected' ? 'approve' : null) : null;
  const reason = h('input', { id: `reason-${id}`, name: 'reason', maxlength: 1000, autocomplete: 'off', placeholder: reversal ? 'why reverse it (required)' : 'why (required to reject)' });
  const form = h(
    'form',
    { class: 'decide' },
    h('label', { for: `reason-${id}` }, 'Reason'),
    reason,
    ...(reversal
      ? [h('button', { type: 'submit', value: reversal, class: `override ${reversal}` }, reversal === 'reject' ? 'Override: reject' : 'Override: approve')]
      : [h('button', { type: 'submit', value: 'approve', class: 'approve' }, 'Approve'), h('button', { type: 'submit', value: 'reject', class: 'reject' }, 'Reject')]),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const decision = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value as Decision | undefined;
    if (decision && reversal) void override(item, decision, reason.value);
    else if (decision) void decide([item], decision, reason.value);
  });
  // Enter in the reason field would "click" the first button (Approve): it makes the decision the
  // r shortcut chose instead, and nothing without one.
  reason.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const decision = state.pending.get(id);
    if (decision) void decide([item], decision, reason.value);
    else announce('Choose Approve or Reject (or press r, type the reason, then Enter).');
  });
  const history = h('div', { class: 'history', id: `history-${id}` });
  const historyButton = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': `history-${id}` }, 'History');
  historyButton.addEventListener('click', () => void toggleHistory(id, history, historyButton));
  const counts = author.history ? Object.entries(author.history).filter(([, n]) => n > 0) : [];
  const reports = why.reports.count ? h('ul', { class: 'reports' }, why.reports.items.map((r) => h('li', {}, `Reported by ${r.by.name}: ${r.reason}`))) : null;
  const select = h('input', { type: 'checkbox', id: `select-${id}`, checked: state.selected.has(id), disabled: !!elsewhere });
  select.addEventListener('change', () => {
    if (select.checked) state.selected.add(id);
    else state.selected.delete(id);
    renderBulk();
  });
  return h(
    'li',
    { class: `item${elsewhere ? ' decided-elsewhere' : ''}`, 'data-id': id, tabindex: '-1', 'aria-labelledby': `title-${id}`, 'aria-describedby': elsewhere ? `elsewhere-${id}` : undefined },
    h(
      'div',
      { class: 'item-head' },
      select,
      h('label', { for: `select-${id}`, class: 'visually-hidden' }, `Select comment ${index + 1}`),
      h('h3', { id: `title-${id}` }, story ? story.title : `Story ${comment.articleId}`),
    ),
    elsewhere ? h('p', { class: 'elsewhere', id: `elsewhere-${id}`, role: 'note' }, elsewhere) : null,
    h(
      'p',
      { class: 'meta' },
      'by ',
      author.id ? h('button', { type: 'button', class: 'link author', onclick: () => drawer(author.id!) }, author.name) : author.name,
      ' · ',
      time(comment.postedAt),
      comment.revision > 1 ? ` · edited (revision ${comment.revision})` : '',
      counts.length ? ` · history: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}` : '',
      author.notes?.count
        ? h('span', { class: 'notes', title: author.notes.latest.map((n) => `${n.by.name}: ${n.text}`).join('\n') }, ` · ${author.notes.count} note${author.notes.count === 1 ? '' : 's'}: “${author.notes.latest[0]?.text ?? ''}”`)
        : '',
      ...author.activeSanctions.map((s) => h('span', { class: 'badge sanction' }, s.kind)),
    ),
    h('blockquote', { class: 'body' }, comment.body),
    h(
      'p',
      { class: 'why' },
      h('strong', {}, why.moderator ? `${why.decision} by ${why.moderator.name}` : `${why.decision} by rule ${why.rule}`),
      `: ${why.reason}`,
      ` (${when(why.decidedAt)})`,
    ),
    reports,
    elsewhere ? null : form,
    historyButton,
    history,
  );
}

async function toggleHistory(id: string, region: HTMLElement, button: HTMLButtonElement): Promise<void> {
  if (button.getAttribute('aria-expanded') === 'true') {
    button.setAttribute('aria-expanded', 'false');
    return region.replaceChildren();
  }
  button.setAttribute('aria-expanded', 'true');
  region.replaceChildren(h('p', {}, 'Loading…'));
  try {
    const { history } = await api.history(id);
    region.replaceChildren(
      h(
        'ol',
        { class: 'history-lines', 'aria-label': 'Comment history' },
        history.map((line) => h('li', {}, time(line.at), ' ', h('strong', {}, line.type.replace(/_/g, ' ')), ' ', describeLine(line))),
      ),
    );
  } catch (error) {
    region.replaceChildren(h('p', { class: 'error' }, `History unavailable: ${(error as Error).message}`));
  }
}

const describeLine = (line: Record<string, any>): string =>
  [
    line.rule,
    line.decision,
    line.evidence ?? line.reason ?? line.why,
    line.by?.name && `by ${line.by.name}`,
    line.overridden && `reversing ${line.overridden.decision} by ${line.overridden.by?.name ?? `rule ${line.overridden.rule}`}`,
    line.from && `${line.from} → ${line.to}`,
    line.body && `“${line.body}”`,
  ]
    .filter(Boolean)
    .join(' · ');

function renderBulk(): void {
  const n = state.selected.size;
  if (!n) return bulkBar.replaceChildren();
  const reason = h('input', { id: 'bulk-reason', maxlength: 1000, autocomplete: 'off' });
  const chosen = () => state.items.filter((i) => state.selected.has(i.comment.id));
  bulkBar.replaceChildren(
    h('span', {}, `${n} selected`),
    h('label', { for: 'bulk-reason' }, 'Reason'),
    reason,
    h('button', { type: 'button', class: 'approve', onclick: () => void decide(chosen(), 'approve', reason.value) }, `Approve ${n}`),
    h('button', { type: 'button', class: 'reject', onclick: () => void decide(chosen(), 'reject', reason.value) }, `Reject ${n}`),
    h('button', { type: 'button', onclick: () => (state.selected.clear(), renderList()) }, 'Clear selection'),
  );
}

// ---- decisions ----

/** Reverses a colleague's decision (it names the decision it reverses: a newer one makes it 409). */
async function override(item: QueueItem, decision: Decision, typed: string): Promise<void> {
  const id = item.comment.id;
  if (!typed.trim()) {
    announce('Reversing a decision needs a reason: it is kept in the history beside the one reversed.');
    return document.getElementById(`reason-${id}`)?.focus();
  }
  state.mine.add(id);
  try {
    await api.override(id, decision, typed.trim(), item.why.seq);
  } catch (error) {
    const e = error as ApiError;
    if (e.status === 409) markElsewhere(id, e.code === 'decision_changed' ? 'Decided again meanwhile by someone else: reload before reversing it.' : e.message);
    else announce(`Not saved: ${e.message}`);
    return;
  }
  const before = state.items.findIndex((i) => i.comment.id === id);
  state.items = state.items.filter((i) => i.comment.id !== id);
  state.current = Math.max(0, Math.min(before, state.items.length - 1));
  renderList(false);
  focusCurrent();
  announce(`Decision reversed: ${decision === 'approve' ? 'approved' : 'rejected'}.`);
  void refreshCounts();
}

async function decide(items: QueueItem[], decision: Decision, typed: string): Promise<void> {
  const reason = typed.trim() || (decision === 'approve' ? 'Approved' : '');
  if (!reason) {
    const field = items.length === 1 ? document.getElementById(`reason-${items[0]!.comment.id}`) : document.getElementById('bulk-reason');
    announce('A rejection needs a reason: the author is shown it.');
    return field?.focus();
  }
  for (const item of items) state.mine.add(item.comment.id);
  const done = new Set<string>();
  try {
    if (items.length === 1) {
      const item = items[0]!;
      try {
        await api.decide(item.comment.id, decision, reason, item.comment.revision);
        done.add(item.comment.id);
      } catch (error) {
        const e = error as ApiError;
        if (e.status === 409) markElsewhere(item.comment.id, conflictNote(e.code));
        else announce(`Not saved: ${e.message}`);
      }
    } else {
      const result = await api.decideMany(items.map((i) => ({ commentId: i.comment.id, decision, reason, revision: i.comment.revision })));
      for (const r of result.results) {
        if (r.ok) done.add(r.commentId);
        else state.elsewhere.set(r.commentId, conflictNote(r.code));
      }
      if (result.failed) announce(`${result.succeeded} ${decision === 'approve' ? 'approved' : 'rejected'}; ${result.failed} had been changed meanwhile and are marked.`);
    }
  } catch (error) {
    announce(`Not saved: ${(error as Error).message}`);
  }
  if (!done.size) return;
  const before = state.items.findIndex((i) => done.has(i.comment.id));
  state.items = state.items.filter((i) => !done.has(i.comment.id));
  for (const id of done) state.selected.delete(id);
  state.current = Math.max(0, Math.min(before, state.items.length - 1));
  renderList(false);
  focusCurrent();
  if (items.length === 1 || done.size === items.length) announce(`${done.size} comment${done.size === 1 ? '' : 's'} ${decision === 'approve' ? 'approved' : 'rejected'}.`);
  void refreshCounts();
}

const conflictNote = (code: string) =>
  code === 'already_decided'
    ? 'Another moderator decided this comment meanwhile.'
    : code === 'revision_changed'
      ? 'The author edited this comment meanwhile: reload the queue to see the new text.'
      : code === 'comment_deleted'
        ? 'The author deleted this comment meanwhile.'
        : `Changed meanwhile (${code}).`;

function drawer(userId: string): void {
  openDrawer(userId, { api, announce, changed: () => void load() });
}

// ---- keyboard ----

function markCurrent(): void {
  list.querySelectorAll('.item').forEach((el, i) => el.classList.toggle('current', i === state.current));
}

function focusCurrent(): void {
  const el = list.querySelectorAll<HTMLElement>('.item')[state.current];
  if (el) {
    markCurrent();
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
  }
}

function move(delta: number): void {
  if (!state.items.length) return;
  // the first j or k from outside the list lands on the current comment rather than past it
  if (list.contains(document.activeElement)) state.current = Math.max(0, Math.min(state.items.length - 1, state.current + delta));
  focusCurrent();
}

function showHelp(): void {
  const dialog = h(
    'dialog',
    { class: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Keyboard shortcuts'),
    h('dl', {}, SHORTCUTS.flatMap(([key, what]) => [h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)])),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

document.addEventListener('keydown', (event) => {
  if (!token || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement;
  if (target.closest('input, textarea, select, dialog') || document.querySelector('dialog[open]')) return;
  // an item the focus is in becomes the current one
  const focused = target.closest<HTMLElement>('.item');
  if (focused) state.current = Math.max(0, state.items.findIndex((i) => i.comment.id === focused.dataset.id));
  const item = state.items[state.current];
  const handled = (() => {
    switch (event.key) {
      case 'j':
        return move(+1), true;
      case 'k':
        return move(-1), true;
      case '?':
        return showHelp(), true;
      case '/':
        return (document.getElementById('search-q') as HTMLInputElement | null)?.focus(), true;
    }
    if (!item || state.elsewhere.has(item.comment.id)) return false;
    const reason = document.getElementById(`reason-${item.comment.id}`) as HTMLInputElement | null;
    switch (event.key) {
      case 'a':
        return void decide([item], 'approve', reason?.value ?? ''), true;
      case 'r':
        state.pending.set(item.comment.id, 'reject');
        announce('Type the reason for rejecting, then press Enter.');
        return reason?.focus(), true;
      case 'x': {
        const box = document.getElementById(`select-${item.comment.id}`) as HTMLInputElement | null;
        if (box) (box.checked = !box.checked), box.dispatchEvent(new Event('change'));
        return true;
      }
    }
    return false;
  })();
  if (handled) event.preventDefault();
});

// ---- start ----

declare global {
  interface Window {
    moderatorConsole: { login(token: string): Promise<boolean>; logout(): void };
  }
}

/** For the newsroom's login: hand the console a token without the moderator pasting it. */
window.moderatorConsole = { login: signIn, logout: signOut };

const handed = tokenFromFragment() ?? storedToken();
if (handed) void signIn(handed);
else showSignIn();
