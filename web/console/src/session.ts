// The moderator's token: pasted into the sign-in form, or handed by the newsroom's login either in
// the URL fragment (#token=…, removed from the address bar at once) or through
// window.moderatorConsole.login(token). Kept in sessionStorage: gone when the tab closes.

const KEY = 'moderator-console.token';

export interface Identity {
  id: string;
  name: string;
  roles: string[];
  expiresAt?: number;
}

export const storedToken = (): string | null => sessionStorage.getItem(KEY);
export const storeToken = (token: string) => sessionStorage.setItem(KEY, token);
export const forgetToken = () => sessionStorage.removeItem(KEY);

/** A token from the URL fragment, if the newsroom's login put one there; the fragment is cleared. */
export function tokenFromFragment(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

/** What the token says of its bearer (for display only: the gateway checks the signature). */
export function identityOf(token: string): Identity | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    return { id: String(claims.sub ?? ''), name: String(claims.name ?? claims.sub ?? ''), roles: Array.isArray(claims.roles) ? claims.roles : [], expiresAt: claims.exp ? claims.exp * 1000 : undefined };
  } catch {
    return null;
  }
}
