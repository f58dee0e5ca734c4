import type { PortalConfig } from './config.js';
import type { PortalKind } from './types.js';

/** Listed users get the Service Portal, listed contacts the Customer Portal. */
export interface Wording {
  title: string;
  listIntro: string;
  team: string;
}

export function wordingFor(kind: PortalKind | null, config: PortalConfig): Wording {
  if (kind === 'users') {
    return { title: config.titles.users, listIntro: 'Requests from the service desk that need your sign-off.', team: 'the service desk' };
  }
  if (kind === 'contacts') {
    return {
      title: config.titles.contacts,
      listIntro: 'Requests from our support team that are waiting for your approval.',
      team: 'our support team',
    };
  }
  return { title: config.title, listIntro: '', team: 'the service desk' };
}

export function portalKindOf(groups: readonly string[]): PortalKind | null {
  if (groups.includes('users')) return 'users';
  if (groups.includes('contacts')) return 'contacts';
  return null;
}
