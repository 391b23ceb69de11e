/**
 * What the loader (embed.js) and the app share through `window.CommentsWidget`: the reader's
 * token handed in by the host page, and the mount call. The loader is tiny and stable; the app
 * is loaded only when a widget scrolls near.
 */
export interface WidgetGlobal {
  /** The host page signs its reader in (a JWT from its own login); no cookies involved. */
  login(token: string): void;
  logout(): void;
  /** Called when the token is refused as expired; resolve with a fresh one (or null: signed out). */
  onTokenRefresh(callback: () => Promise<string | null>): void;
  readonly token: string | null;
  readonly refresh?: () => Promise<string | null>;
  /** Called by the app on every change of identity. */
  subscribe(listener: () => void): void;
  /** Set by the app bundle once loaded. */
  mount?: (root: ShadowRoot, options: MountOptions) => void;
}

export interface MountOptions {
  storyId: string;
  /** The gateway's origin (where embed.js came from). */
  api: string;
  locale: string;
  css: string;
  editWindowMinutes: number;
}

declare global {
  interface Window {
    CommentsWidget: WidgetGlobal;
  }
}
