import type { WidgetGlobal } from './shared';

// Filled in by build.mjs with the hashed bundle names.
declare const __APP_JS__: string;
declare const __APP_CSS__: string;

/**
 * embed.js: pasted once by a news site. Finds `[data-story-id]` hosts, gives each a Shadow DOM
 * (our styles and the host's never mix), and loads the app only when a host comes near the
 * viewport. Kept tiny: everything else is in the app bundle.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const base = new URL('.', script?.src ?? location.href).href;
  const api = new URL(base).origin;
  const listeners: Array<() => void> = [];
  let token: string | null = null;
  let refresh: (() => Promise<string | null>) | undefined;
  const notify = () => listeners.forEach((listener) => listener());
  const widget: WidgetGlobal = (window.CommentsWidget = {
    login: (value) => ((token = value), notify()),
    logout: () => ((token = null), notify()),
    onTokenRefresh: (callback) => (refresh = callback),
    get token() {
      return token;
    },
    get refresh() {
      return refresh;
    },
    subscribe: (listener) => listeners.push(listener),
  });

  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= new Promise<void>((resolve, reject) => {
      const tag = document.createElement('script');
      tag.src = base + __APP_JS__;
      tag.async = true;
      tag.onload = () => resolve();
      tag.onerror = reject;
      document.head.appendChild(tag);
    }));

  const start = (host: HTMLElement) => {
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    void load().then(() =>
      widget.mount!(root, {
        storyId: host.dataset.storyId!,
        api: host.dataset.api ?? api,
        locale: host.dataset.locale ?? document.documentElement.lang ?? navigator.language,
        css: base + __APP_CSS__,
        editWindowMinutes: Number(host.dataset.editWindowMinutes ?? 15),
      }),
    );
  };

  const hosts = Array.from(document.querySelectorAll<HTMLElement>('[data-story-id]')).filter((el) => el.tagName !== 'SCRIPT');
  if (!('IntersectionObserver' in window)) return hosts.forEach(start);
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        start(entry.target as HTMLElement);
      }
    },
    { rootMargin: '600px 0px' },
  );
  hosts.forEach((host) => observer.observe(host));
})();
