import { useEffect, useState } from 'preact/hooks';
import { BASE } from './config.js';
import { ACTIONS, type Action, type PortalKind } from './types.js';

/**
 * The portal's pages. Mail links open `requests/<id>?action=…&portal=users|contacts`: `portal`
 * only names and colours the sign-in screen; who the approver is decides everything after.
 */
export type Route =
  | { page: 'list' }
  | { page: 'request'; requestId: string; action: Action | null; portal: PortalKind | null }
  | { page: 'unknown' };

const NAVIGATE = 'signoff:navigate';

export function parseRoute(location: Pick<Location, 'pathname' | 'search'>): Route {
  if (!location.pathname.startsWith(BASE)) return { page: 'unknown' };
  const path = location.pathname.slice(BASE.length).replace(/\/+$/, '');
  if (path === '') return { page: 'list' };
  const match = /^requests\/([^/]+)$/.exec(path);
  if (!match?.[1]) return { page: 'unknown' };
  let requestId: string;
  try {
    requestId = decodeURIComponent(match[1]);
  } catch {
    return { page: 'unknown' };
  }
  const query = new URLSearchParams(location.search);
  const action = query.get('action');
  const portal = query.get('portal');
  return {
    page: 'request',
    requestId,
    action: ACTIONS.includes(action as Action) ? (action as Action) : null,
    portal: portal === 'users' || portal === 'contacts' ? portal : null,
  };
}

export const hrefOf = {
  list: () => BASE,
  request: (requestId: string) => `${BASE}requests/${encodeURIComponent(requestId)}`,
};

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** In-app navigation for a plain left click; new tabs and modified clicks keep the browser's way. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? BASE);
}
