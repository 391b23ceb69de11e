// A reader's drawer: their record with moderation, sanctions (lift), and ban / suspend until /
// pre-moderate. A modal <dialog>: it keeps focus inside and Escape closes it.

import { ApiError, ModerationApi, Sanction, UserRecord } from './api';
import { h, time, when } from './dom';

export interface DrawerHooks {
  api: ModerationApi;
  announce: (message: string) => void;
  /** After a sanction changed: the queue shows authors' active sanctions. */
  changed: () => void;
}

export function openDrawer(userId: string, hooks: DrawerHooks): void {
  const dialog = h('dialog', { class: 'drawer', 'aria-labelledby': 'drawer-title' });
  const body = h('div', { class: 'drawer-body' }, h('p', {}, 'Loading…'));
  const close = h('button', { type: 'button', class: 'close', onclick: () => dialog.close() }, 'Close');
  dialog.append(h('header', {}, h('h2', { id: 'drawer-title', tabindex: '-1' }, 'Reader'), close), body);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();

  const load = async () => {
    try {
      render(await hooks.api.user(userId));
    } catch (error) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The reader's record could not be loaded: ${(error as Error).message}`));
    }
  };

  const render = (user: UserRecord) => {
    const title = dialog.querySelector('#drawer-title') as HTMLElement;
    title.textContent = `${user.name ?? user.id}`;
    const counts = Object.entries(user.history).filter(([, n]) => n > 0);
    body.replaceChildren(
      h('p', { class: 'muted' }, `Reader id ${user.id}`),
      h('h3', {}, 'Comments by status'),
      counts.length ? h('ul', { class: 'inline' }, counts.map(([status, n]) => h('li', {}, `${status}: ${n}`))) : h('p', {}, 'No comments yet.'),
      h('h3', {}, 'Sanctions'),
      user.sanctions.length ? h('ul', { class: 'sanctions' }, user.sanctions.map((s) => sanctionRow(s))) : h('p', {}, 'None.'),
      sanctionForm(),
      h('h3', {}, `Notes (${user.notes.count})`),
      user.notes.latest.length
        ? h('ul', { class: 'notes' }, user.notes.latest.map((n) => h('li', {}, h('p', { class: 'body' }, n.text), h('span', { class: 'muted' }, `${n.by.name}, ${when(n.at)}`))))
        : h('p', {}, 'None.'),
      noteForm(),
      h('h3', {}, 'Recent comments'),
      user.recentComments.length
        ? h(
            'ul',
            { class: 'recent' },
            user.recentComments.map((c) =>
              h('li', {}, h('span', { class: `badge ${c.comment.status}` }, c.comment.status), ' ', time(c.comment.postedAt), h('p', { class: 'body' }, c.comment.body)),
            ),
          )
        : h('p', {}, 'None.'),
    );
  };

  const sanctionRow = (s: Sanction) =>
    h(
      'li',
      {},
      h('strong', {}, describe(s)),
      ` — ${s.reason} (by ${s.by.name}, ${when(s.at)}) `,
      h('span', { class: `badge ${s.status}` }, s.status),
      s.status === 'active'
        ? h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                try {
                  await hooks.api.lift(userId, s.id);
                  hooks.announce(`Lifted: ${describe(s)}.`);
                  hooks.changed();
                } catch (error) {
                  hooks.announce(`Not lifted: ${(error as ApiError).message}`);
                }
                await load();
              },
            },
            'Lift',
          )
        : null,
    );

  const noteForm = () => {
    const text = h('textarea', { id: 'note-text', name: 'text', required: true, maxlength: 2000, rows: 2 });
    const error = h('p', { class: 'error', role: 'alert' });
    return h(
      'form',
      {
        class: 'note-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          error.textContent = '';
          try {
            await hooks.api.addNote(userId, text.value);
            hooks.announce('Note added.');
            hooks.changed();
            await load();
          } catch (e) {
            error.textContent = `Not added: ${(e as ApiError).message}`;
          }
        },
      },
      h('label', { for: 'note-text' }, 'New note (moderators only)'),
      text,
      h('button', { type: 'submit' }, 'Add note'),
      error,
    );
  };

  const sanctionForm = () => {
    const kind = h('select', { id: 'sanction-kind', name: 'kind' }, h('option', { value: 'ban' }, 'Ban'), h('option', { value: 'suspend' }, 'Suspend until…'), h('option', { value: 'premoderate' }, 'Pre-moderate'), h('option', { value: 'warn' }, 'Warn (told on their next post)'));
    const until = h('input', { id: 'sanction-until', name: 'until', type: 'datetime-local' });
    const reason = h('input', { id: 'sanction-reason', name: 'reason', required: true, maxlength: 1000, autocomplete: 'off' });
    const error = h('p', { class: 'error', role: 'alert' });
    const form = h(
      'form',
      {
        class: 'sanction-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          error.textContent = '';
          const chosen = kind.value as Sanction['kind'];
          if (chosen === 'suspend' && !until.value) {
            error.textContent = 'A suspension needs an end: choose "until".';
            return until.focus();
          }
          try {
            const input = { kind: chosen, reason: reason.value, ...(until.value && chosen !== 'ban' && chosen !== 'warn' ? { until: new Date(until.value).toISOString() } : {}) };
            const sanction = await hooks.api.sanction(userId, input);
            hooks.announce(`${describe(sanction)} applied to ${userId}.`);
            hooks.changed();
            await load();
          } catch (e) {
            error.textContent = `Not applied: ${(e as ApiError).message}`;
          }
        },
      },
      h('h3', {}, 'New sanction'),
      h('label', { for: 'sanction-kind' }, 'Kind'),
      kind,
      h('label', { for: 'sanction-until' }, 'Until (suspend, pre-moderate)'),
      until,
      h('label', { for: 'sanction-reason' }, 'Reason'),
      reason,
      h('button', { type: 'submit' }, 'Apply sanction'),
      error,
    );
    return form;
  };

  void load();
}

const describe = (s: Pick<Sanction, 'kind' | 'until'>) =>
  s.kind === 'warn' ? 'Warned' : s.kind === 'ban' ? 'Banned' : s.kind === 'suspend' ? `Suspended until ${when(s.until)}` : s.until ? `Pre-moderated until ${when(s.until)}` : 'Pre-moderated';
