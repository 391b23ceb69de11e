import { Api, ApiComment, ApiError, OwnComment, ThreadState } from './api';
import { h } from './dom';
import { i18n, I18n } from './i18n';
import type { MountOptions } from './shared';

/** The reader's id and name, read (not verified: the gateway does that) from the token. */
function whoIs(token: string | null): { id: string; name: string } | null {
  try {
    const claims = JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims.sub === 'string' ? { id: claims.sub, name: String(claims.name ?? '') } : null;
  } catch {
    return null;
  }
}

let ids = 0;
const uid = (prefix: string) => `cw-${prefix}-${++ids}`;

/** One widget under one story. */
class Widget {
  private readonly t: I18n;
  private readonly api: Api;
  private state: ThreadState = 'open';
  private closesAt = '';
  private count = 0;
  private comments: ApiComment[] = [];
  private cursor: string | null = null;
  private incoming: ApiComment[] = [];
  /** The reader's own comments not (yet) in the public list: pending, held, rejected. */
  private own = new Map<string, OwnComment>();
  private me = whoIs(window.CommentsWidget.token);
  private poll?: number;
  private live?: EventSource;

  private readonly heading = h('h2', { className: 'count', id: uid('count') });
  private readonly status = h('p', { className: 'sr', role: 'status', 'aria-live': 'polite' });
  private readonly list = h('div', { className: 'list' });
  private readonly newButton = h('button', { type: 'button', className: 'new', hidden: true, onclick: () => this.showIncoming() });
  private readonly more = h('button', { type: 'button', className: 'more', hidden: true, onclick: () => void this.loadMore() });
  private readonly footer = h('div', { className: 'footer' });
  /** A moderator's warnings, from the last post's answer, until the reader acknowledges each. */
  private readonly warnings = h('div', { className: 'warnings' });

  constructor(
    private readonly root: ShadowRoot,
    private readonly options: MountOptions,
  ) {
    this.t = i18n(options.locale);
    this.api = new Api(options.api, () => window.CommentsWidget.token, async () => {
      const fresh = (await window.CommentsWidget.refresh?.()) ?? null;
      fresh ? window.CommentsWidget.login(fresh) : window.CommentsWidget.logout();
      return fresh;
    });
    const section = h('section', { className: 'widget', 'aria-labelledby': this.heading.id, lang: this.t.locale },
      this.heading, this.status, this.newButton, this.list, this.more, this.warnings, this.footer);
    root.replaceChildren(h('link', { rel: 'stylesheet', href: options.css }), section);
    this.heading.textContent = this.t.t('loading');
    window.CommentsWidget.subscribe(() => this.identityChanged());
    void this.reload().then(() => this.connect());
  }

  // ----- data

  private async reload(): Promise<void> {
    try {
      const page = await this.api.thread(this.options.storyId);
      this.setThread(page.state, page.commentCount, (page as { closesAt?: string }).closesAt);
      this.comments = page.comments;
      this.cursor = page.nextCursor;
      this.incoming = [];
    } catch (error) {
      this.heading.textContent = this.explain(error);
      return;
    }
    this.restoreOwn();
    this.renderList();
    this.renderFooter();
  }

  private async loadMore(): Promise<void> {
    if (!this.cursor) return;
    const page = await this.api.thread(this.options.storyId, this.cursor).catch((error) => (this.announce(this.explain(error)), null));
    if (!page) return;
    const known = new Set(this.comments.map((c) => c.id));
    const added = page.comments.filter((c) => !known.has(c.id));
    this.comments.push(...added);
    this.cursor = page.nextCursor;
    this.renderList();
    this.focusComment(added[0]?.id);
  }

  private connect(): void {
    if (this.state === 'hidden' || typeof EventSource === 'undefined') return;
    this.live = new EventSource(this.api.liveUrl(this.options.storyId));
    const on = (name: string, handle: (data: any) => void) => this.live!.addEventListener(name, (e) => handle(JSON.parse((e as MessageEvent).data)));
    on('comment', (data: { comment: ApiComment | null; commentId: string; commentCount: number }) => {
      this.count = data.commentCount ?? this.count;
      const own = this.own.get(data.commentId);
      if (own) return this.ownApproved(own, data.comment);
      if (!data.comment) return void this.reload();
      const at = this.comments.findIndex((c) => c.id === data.commentId);
      if (at >= 0) {
        this.comments[at] = data.comment;
        this.renderList();
      } else if (!this.incoming.some((c) => c.id === data.commentId)) {
        this.incoming.push(data.comment);
        this.renderIncoming(true);
      }
      this.renderHeading();
    });
    on('removed', (data: { commentId: string; commentCount: number }) => {
      this.count = data.commentCount ?? this.count;
      this.comments = this.comments.filter((c) => c.id !== data.commentId);
      this.incoming = this.incoming.filter((c) => c.id !== data.commentId);
      this.renderList();
      this.renderIncoming(false);
      this.renderHeading();
    });
    on('thread', (data: { state: ThreadState; commentCount?: number; closesAt: string }) => {
      const changed = data.state !== this.state;
      this.setThread(data.state, data.commentCount ?? this.count, data.closesAt);
      if (changed) {
        this.renderFooter();
        this.renderList();
        if (data.state === 'hidden') this.live?.close();
      }
    });
    on('reset', () => void this.reload());
  }

  private setThread(state: ThreadState, count: number, closesAt?: string): void {
    this.state = state;
    this.count = count;
    if (closesAt) this.closesAt = closesAt;
    this.renderHeading();
  }

  /** Own comments posted earlier (this browser, this reader): their fate is asked again. */
  private ownKey(): string | null {
    return this.me ? `cw:own:${this.options.storyId}:${this.me.id}` : null;
  }

  private saveOwn(): void {
    const key = this.ownKey();
    if (key) localStorage.setItem(key, JSON.stringify([...this.own.keys()].slice(-50)));
  }

  private restoreOwn(): void {
    const key = this.ownKey();
    let saved: string[] = [];
    try {
      saved = key ? JSON.parse(localStorage.getItem(key) ?? '[]') : [];
    } catch {
      saved = [];
    }
    for (const id of saved) if (!this.own.has(id)) this.own.set(id, { id, parentId: null, status: 'pending', body: '', postedAt: '' });
    void this.checkOwn();
  }

  private async checkOwn(): Promise<void> {
    clearTimeout(this.poll);
    if (!this.me) return;
    for (const own of [...this.own.values()]) {
      if (own.status === 'rejected') continue;
      // A post is accepted before it is stored: 404 at first means "not yet". A remembered id
      // with nothing known about it (no body) that is gone was deleted elsewhere.
      const now = await this.api.own(own.id).catch((error: ApiError) => (error.status === 404 && !own.body ? ({ ...own, status: 'deleted' } as OwnComment) : null));
      if (!now) continue;
      if (now.status === 'approved') this.ownApproved(now, null);
      else if (now.status === 'deleted') this.own.delete(own.id);
      else {
        if (now.status !== own.status && now.status === 'rejected') this.announce(this.t.t('rejected', { reason: now.reason ?? '' }));
        this.own.set(own.id, now);
      }
    }
    this.saveOwn();
    this.renderList();
    // Rejections are told to the author only, so they are asked for, not broadcast.
    if ([...this.own.values()].some((c) => c.status === 'pending' || c.status === 'held')) this.poll = window.setTimeout(() => void this.checkOwn(), 3000);
  }

  private ownApproved(own: OwnComment, comment: ApiComment | null): void {
    this.own.delete(own.id);
    this.saveOwn();
    if (!this.comments.some((c) => c.id === own.id)) {
      this.comments.push(comment ?? { id: own.id, parentId: own.parentId, author: { name: this.me?.name ?? '' }, body: own.body, postedAt: own.postedAt });
    }
    this.renderList();
    this.renderHeading();
    this.announce(this.t.t('approved'));
  }

  private identityChanged(): void {
    const before = this.me?.id;
    this.me = whoIs(window.CommentsWidget.token);
    if (this.me?.id === before) return;
    this.own.clear();
    if (this.me) this.restoreOwn();
    this.renderList();
    this.renderFooter();
  }

  // ----- rendering

  private renderHeading(): void {
    this.heading.textContent = this.t.t(this.state === 'archived' ? 'countArchived' : 'count', { n: this.count });
  }

  private renderIncoming(announce: boolean): void {
    const n = this.incoming.length;
    this.newButton.hidden = n === 0;
    this.newButton.textContent = this.t.t('newComments', { n });
    if (announce && n) this.announce(this.t.t('newComments', { n }));
  }

  private showIncoming(): void {
    const first = this.incoming[0]?.id;
    this.comments.push(...this.incoming);
    this.incoming = [];
    this.renderIncoming(false);
    this.renderList();
    this.focusComment(first);
  }

  private renderList(): void {
    const children = new Map<string | null, Array<ApiComment | OwnComment>>();
    const shown = new Set(this.comments.map((c) => c.id));
    const items: Array<ApiComment | OwnComment> = [...this.comments, ...[...this.own.values()].filter((c) => c.body && !shown.has(c.id))];
    const all = new Set(items.map((c) => c.id));
    for (const item of items) {
      // A reply whose parent is not loaded (yet) shows at the top level rather than not at all.
      const parent = item.parentId && all.has(item.parentId) ? item.parentId : null;
      children.set(parent, [...(children.get(parent) ?? []), item]);
    }
    const branch = (parent: string | null): HTMLElement | null => {
      const kids = children.get(parent);
      return kids ? h('ol', { className: parent ? 'replies' : 'comments' }, ...kids.map((c) => h('li', {}, this.renderComment(c), branch(c.id)))) : null;
    };
    // Re-rendering must not lose what the reader is doing: open reply/edit forms move to the
    // new elements and focus returns where it was (or to its comment).
    const forms = [...this.list.querySelectorAll<HTMLFormElement>('article > form')].map((form) => [form.parentElement!.id, form] as const);
    const active = this.root.activeElement as HTMLElement | null;
    const activeComment = active?.closest('article')?.id;
    this.list.replaceChildren(branch(null) ?? h('p', { className: 'empty', text: this.t.t('none') }));
    for (const [id, form] of forms) this.root.getElementById(id)?.append(form);
    if (active && this.list.contains(active)) active.focus();
    else if (activeComment && active && !active.isConnected) this.root.getElementById(activeComment)?.focus();
    this.more.hidden = !this.cursor;
    this.more.textContent = this.t.t('loadMore');
  }

  private renderComment(comment: ApiComment | OwnComment): HTMLElement {
    const own = 'status' in comment ? comment : this.own.get(comment.id);
    const article = h('article', { className: `comment${own ? ` own ${own.status}` : ''}`, id: `c-${comment.id}`, tabindex: -1, 'data-comment-id': comment.id });
    if ('deleted' in comment && comment.deleted) {
      article.append(h('p', { className: 'deleted', text: this.t.t('deleted') }));
      return article;
    }
    const name = 'author' in comment ? (comment.author?.name ?? '') : (this.me?.name || this.t.t('you'));
    article.append(
      h('header', {}, h('span', { className: 'author', text: name }), ' ', comment.postedAt ? h('time', { datetime: comment.postedAt, text: this.t.time(comment.postedAt) }) : null),
      h('p', { className: 'body', text: comment.body ?? '' }),
    );
    if (own) {
      const text = own.status === 'rejected' ? this.t.t('rejected', { reason: own.reason ?? '' }) : this.t.t(own.status === 'held' ? 'held' : 'pending');
      article.append(h('p', { className: 'fate', text }));
    }
    const actions = h('div', { className: 'actions' });
    const open = this.state === 'open' && this.me;
    const mine = !!own || this.isMine(comment.id);
    if (open && (!own || own.status === 'approved')) actions.append(h('button', { type: 'button', text: this.t.t('reply'), onclick: (e) => this.replyTo(comment, e.currentTarget as HTMLElement) }));
    if (open && mine && own?.status !== 'rejected' && this.withinEditWindow(comment.postedAt)) {
      actions.append(h('button', { type: 'button', text: this.t.t('edit'), onclick: (e) => this.editComment(comment, e.currentTarget as HTMLElement) }));
    }
    if (this.me && mine) actions.append(h('button', { type: 'button', text: this.t.t('delete'), onclick: () => void this.deleteComment(comment.id) }));
    if (this.me && !mine) actions.append(h('button', { type: 'button', text: this.t.t('report'), onclick: (e) => this.reportComment(comment, e.currentTarget as HTMLElement) }));
    if (actions.childNodes.length) article.append(actions);
    return article;
  }

  private isMine(id: string): boolean {
    const key = this.ownKey();
    return !!key && (localStorage.getItem(`${key}:approved`) ?? '').includes(id);
  }

  private withinEditWindow(postedAt: string): boolean {
    return !!postedAt && Date.now() - Date.parse(postedAt) < this.options.editWindowMinutes * 60_000;
  }

  private renderFooter(): void {
    const closed = this.state === 'archived' || (this.state === 'closed' && this.closesAt && Date.parse(this.closesAt) <= Date.now());
    if (this.state === 'hidden') this.footer.replaceChildren(h('p', { className: 'notice', text: this.t.t('notFound') }));
    else if (closed) this.footer.replaceChildren(h('p', { className: 'notice', text: this.t.t('expired') }));
    else if (this.state === 'closed') this.footer.replaceChildren(h('p', { className: 'notice', text: this.t.t('closed') }));
    else if (!this.me) this.footer.replaceChildren(h('p', { className: 'notice', text: this.t.t('signIn') }));
    else this.footer.replaceChildren(this.form(this.t.t('label'), '', this.t.t('post'), (body) => this.submit(body)));
  }

  /** A labelled text form; `onSubmit` throws to keep it open with the reason shown. */
  private form(label: string, initial: string, action: string, onSubmit: (body: string) => Promise<void>, cancel?: () => void): HTMLFormElement {
    const id = uid('field');
    const field = h('textarea', { id, name: 'body', rows: 3, maxlength: 5000, required: true });
    field.value = initial;
    const error = h('p', { className: 'error', role: 'alert', id: uid('error') });
    const button = h('button', { type: 'submit', className: 'primary', text: action });
    const form = h('form', { className: 'compose', novalidate: true }, h('label', { for: id, text: label }), field, error,
      h('div', { className: 'actions' }, button, cancel ? h('button', { type: 'button', text: this.t.t('cancel'), onclick: cancel }) : null));
    field.setAttribute('aria-describedby', error.id);
    if (cancel) form.addEventListener('keydown', (e) => e.key === 'Escape' && cancel());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = field.value.trim();
      error.textContent = '';
      if (!body) {
        error.textContent = this.t.t('empty');
        field.focus();
        return;
      }
      button.disabled = true;
      button.textContent = this.t.t('posting');
      try {
        await onSubmit(body);
        field.value = '';
      } catch (failure) {
        error.textContent = this.explain(failure);
        field.setAttribute('aria-invalid', 'true');
        field.focus();
      } finally {
        button.disabled = false;
        button.textContent = action;
      }
    });
    return form;
  }

  private inline(anchor: HTMLElement, build: (close: () => void) => HTMLFormElement): void {
    const place = anchor.closest('article')!;
    place.querySelector('form')?.remove();
    const close = () => {
      form.remove();
      anchor.focus();
    };
    const form = build(close);
    place.append(form);
    form.querySelector<HTMLElement>('textarea, input')?.focus();
  }

  private replyTo(comment: ApiComment | OwnComment, anchor: HTMLElement): void {
    const name = 'author' in comment ? (comment.author?.name ?? '') : '';
    this.inline(anchor, (close) => this.form(this.t.t('replyLabel', { name }), '', this.t.t('reply'), async (body) => {
      await this.submit(body, comment.id);
      close();
    }, close));
  }

  private editComment(comment: ApiComment | OwnComment, anchor: HTMLElement): void {
    this.inline(anchor, (close) => this.form(this.t.t('edit'), comment.body ?? '', this.t.t('save'), async (body) => {
      const edited = await this.api.edit(comment.id, body);
      this.comments = this.comments.filter((c) => c.id !== comment.id);
      this.own.set(edited.id, edited);
      this.saveOwn();
      this.renderList();
      this.announce(this.t.t('pending'));
      void this.checkOwn();
      close();
    }, close));
  }

  private reportComment(comment: ApiComment | OwnComment, anchor: HTMLElement): void {
    this.inline(anchor, (close) => this.form(this.t.t('reportReason'), '', this.t.t('report'), async (reason) => {
      await this.api.report(comment.id, reason);
      close();
      this.announce(this.t.t('reported'));
    }, close));
  }

  private async deleteComment(id: string): Promise<void> {
    if (!confirm(this.t.t('confirmDelete'))) return;
    try {
      await this.api.remove(id);
    } catch (error) {
      return this.announce(this.explain(error));
    }
    this.own.delete(id);
    this.saveOwn();
    this.comments = this.comments.filter((c) => c.id !== id);
    this.renderList();
    this.announce(this.t.t('deleted'));
  }

  private async submit(body: string, parentId?: string): Promise<void> {
    const posted = await this.api.post(this.options.storyId, body, parentId);
    this.own.set(posted.id, { ...posted, body, parentId: parentId ?? null, status: posted.status ?? 'pending' });
    this.rememberApproved(posted.id);
    this.saveOwn();
    this.renderList();
    this.announce(this.t.t('pending'));
    this.focusComment(posted.id);
    this.showWarnings(posted.warnings ?? []);
    void this.checkOwn();
  }

  /** The post went through; a warning is shown (and announced) until its reader acknowledges it. */
  private showWarnings(warnings: NonNullable<OwnComment['warnings']>): void {
    this.warnings.replaceChildren(
      ...warnings.map((w) => {
        const button = h('button', { type: 'button', text: this.t.t('understood') });
        const box = h('p', { className: 'notice warning', role: 'alert' }, this.t.t('warned', { reason: w.reason }), ' ', button);
        button.addEventListener('click', async () => {
          try {
            await this.api.acknowledge(w.id);
            box.remove();
            // the button is gone: focus goes back to where the reader writes
            this.footer.querySelector<HTMLElement>('textarea, button')?.focus();
          } catch (error) {
            this.announce(this.explain(error));
          }
        });
        return box;
      }),
    );
  }

  /** Own comments stay editable after approval: their ids are kept beside the pending ones. */
  private rememberApproved(id: string): void {
    const key = this.ownKey();
    if (key) localStorage.setItem(`${key}:approved`, [...(localStorage.getItem(`${key}:approved`) ?? '').split(' ').slice(-49), id].join(' '));
  }

  private focusComment(id: string | undefined): void {
    if (id) this.root.getElementById(`c-${id}`)?.focus();
  }

  private announce(text: string): void {
    // Cleared first so the same words twice are read twice.
    this.status.textContent = '';
    setTimeout(() => (this.status.textContent = text), 50);
  }

  /** Refusals in plain words. */
  private explain(error: unknown): string {
    if (!(error instanceof ApiError)) return this.t.t('failed');
    const d = error.details as { reason?: string; until?: string };
    switch (error.code) {
      case 'network': return this.t.t('network');
      case 'rate_limited': return this.t.t('rateLimited', { s: error.retryAfter ?? 60 });
      case 'reader_banned': return this.t.t('banned', { reason: d.reason ?? '' });
      case 'reader_suspended': return this.t.t('suspended', { until: d.until ? this.t.time(d.until) : '', reason: d.reason ?? '' });
      case 'commenting_expired': return this.t.t('expired');
      case 'commenting_closed': return this.t.t('closed');
      case 'comments_archived': return this.t.t('archived');
      case 'edit_window_closed': return this.t.t('editClosed');
      case 'unauthenticated': return this.t.t('signedOut');
      case 'thread_not_found':
      case 'thread_hidden': return this.t.t('notFound');
    }
    if (error.status === 429) return this.t.t('rateLimited', { s: error.retryAfter ?? 60 });
    if (error.status === 400) return error.message;
    return this.t.t('failed');
  }
}

window.CommentsWidget.mount = (root, options) => void new Widget(root, options);
