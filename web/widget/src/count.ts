/**
 * count.js, for story lists: fills every `[data-comment-count]` element (its value the story id)
 * with "(N) Comments". Each story's count comes from its thread read with limit 1, which the
 * gateway answers from memory (thread cache) and keeps current by events: cheap, and one story
 * at a time so one missing story costs nothing to the rest.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const api = new URL(script?.src ?? location.href).origin;
  const plural = new Intl.PluralRules(document.documentElement.lang || 'en');
  const word = (n: number) => (plural.select(n) === 'one' ? 'Comment' : 'Comments');
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-comment-count]'))) {
    void fetch(`${api}/api/v1/articles/${encodeURIComponent(el.dataset.commentCount!)}/comments?limit=1`)
      .then((r) => (r.ok ? r.json() : null))
      .then((page: { commentCount: number } | null) => {
        if (page) el.textContent = `(${page.commentCount}) ${word(page.commentCount)}`;
      });
  }
})();
