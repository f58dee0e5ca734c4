/** What `GET /portal/config` tells the page: where to sign in, and how to call itself. */
export interface PortalConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  cognitoEndpoint: string;
  title: string;
  titles: { users: string; contacts: string };
}

/** The path the portal and its API routes are served under, with both slashes. */
export const BASE = typeof __PORTAL_BASE__ === 'string' ? __PORTAL_BASE__ : '/portal/';

const isConfig = (value: unknown): value is PortalConfig => {
  const c = value as Partial<PortalConfig> | null;
  return (
    typeof c?.clientId === 'string' &&
    typeof c.cognitoEndpoint === 'string' &&
    typeof c.title === 'string' &&
    typeof c.titles?.users === 'string' &&
    typeof c.titles.contacts === 'string'
  );
};

export async function loadConfig(): Promise<PortalConfig> {
  const response = await fetch(`${BASE}config`, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`The portal configuration could not be loaded (HTTP ${response.status}).`);
  const config: unknown = await response.json();
  if (!isConfig(config)) throw new Error('The portal configuration is incomplete.');
  return config;
}
