import { useEffect, useMemo, useState } from 'preact/hooks';
import { PortalApi } from './api.js';
import { Auth } from './auth.js';
import { Frame } from './components/frame.js';
import { loadConfig, type PortalConfig } from './config.js';
import { Approvals } from './pages/approvals.js';
import { Loading, NoAccess, NotFound } from './pages/messages.js';
import { RequestPage } from './pages/request.js';
import { SignIn } from './pages/sign-in.js';
import { useRoute } from './router.js';
import type { Session } from './session.js';
import type { PortalKind } from './types.js';
import { portalKindOf, wordingFor } from './wording.js';

/**
 * Which portal the last sign-in in this browser was: only to title the sign-in page before the
 * approver is known. Not a secret, and nothing is decided by it.
 */
const KIND_HINT = 'signoff.portal.kind';
const readHint = (): PortalKind | null => {
  try {
    const hint = window.localStorage.getItem(KIND_HINT);
    return hint === 'users' || hint === 'contacts' ? hint : null;
  } catch {
    return null;
  }
};
const writeHint = (kind: PortalKind) => {
  try {
    window.localStorage.setItem(KIND_HINT, kind);
  } catch {
    // storage switched off: the sign-in page keeps the neutral title
  }
};

function useSession(auth: Auth): Session | null {
  const [session, setSession] = useState(auth.current());
  useEffect(() => auth.subscribe(setSession), [auth]);
  return session;
}

function Portal({ config }: { config: PortalConfig }) {
  const auth = useMemo(() => new Auth(config.cognitoEndpoint, config.clientId), [config]);
  const api = useMemo(() => new PortalApi(auth), [auth]);
  const session = useSession(auth);
  const route = useRoute();
  const signedInKind = session ? portalKindOf(session.groups) : null;
  // Before sign-in: the portal the mail link names, else the one this browser last signed in to.
  const linkKind = route.page === 'request' ? route.portal : null;
  const kind = signedInKind ?? (session ? null : (linkKind ?? readHint()));
  const wording = wordingFor(kind, config);

  useEffect(() => {
    if (signedInKind) writeHint(signedInKind);
    document.documentElement.dataset.portal = kind ?? 'neutral';
  }, [signedInKind, kind]);

  useEffect(() => {
    if (!session) document.title = `Sign in · ${wording.title}`;
  }, [session, wording.title]);

  if (!session) {
    const context =
      route.page === 'request' && route.action
        ? 'Sign in to answer the approval request. Nothing is recorded until you confirm your answer.'
        : 'Sign in to see and answer the approval requests sent to you.';
    return (
      <Frame title={wording.title}>
        <SignIn
          auth={auth}
          context={context}
          landing={route.page === 'request' && route.action ? { requestId: route.requestId, action: route.action } : null}
        />
      </Frame>
    );
  }

  const signOut = () => void auth.signOut();
  return (
    <Frame title={wording.title} email={session.email} onSignOut={signOut}>
      {signedInKind === null ? (
        <NoAccess />
      ) : route.page === 'list' ? (
        <Approvals api={api} wording={wording} />
      ) : route.page === 'request' ? (
        <RequestPage key={route.requestId} api={api} requestId={route.requestId} action={route.action} wording={wording} />
      ) : (
        <NotFound />
      )}
    </Frame>
  );
}

export function App() {
  const [config, setConfig] = useState<PortalConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setError(null);
    loadConfig().then(setConfig, (e: unknown) => setError(e instanceof Error ? e.message : 'The portal could not start.'));
  }, [attempt]);

  if (config) return <Portal config={config} />;
  return (
    <Frame title="Approvals">
      {error ? (
        <div class="card message-card">
          <h1>The portal is not available right now</h1>
          <p>{error}</p>
          <p>
            <button type="button" class="button button-primary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </p>
        </div>
      ) : (
        <Loading />
      )}
    </Frame>
  );
}
