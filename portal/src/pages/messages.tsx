import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api.js';
import { hrefOf, onLinkClick } from '../router.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

function Message({ title, children, back = true }: { title: string; children: ComponentChildren; back?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div class="card message-card">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
      {back ? (
        <p>
          <a class="button button-secondary" href={hrefOf.list()} onClick={onLinkClick}>
            Go to my approvals
          </a>
        </p>
      ) : null}
    </div>
  );
}

export function NotFound() {
  return (
    <Message title="Request not found">
      <p>
        We could not find this approval request for your account. It may have been sent to a different email address, or the link may be
        incomplete.
      </p>
      <p class="muted">If you have more than one account, sign out and sign in with the address the email was sent to.</p>
    </Message>
  );
}

export function NoAccess({ message }: { message?: string }) {
  return (
    <Message title="No access to this portal" back={false}>
      <p>{message ?? 'This account cannot answer approval requests here.'}</p>
      <p class="muted">Sign out and sign in with the account the approval email was sent to, or contact the service desk.</p>
    </Message>
  );
}

/** Any failure of a page load: not found, no access, or a retry. */
export function LoadFailed({ error, retry }: { error: unknown; retry: () => void }) {
  if (error instanceof ApiError && error.status === 404) return <NotFound />;
  if (error instanceof ApiError && error.status === 403) return <NoAccess message={error.message} />;
  if (error instanceof ApiError && error.status === 401) return <Loading />;
  return (
    <Message title="This page could not be loaded">
      <p>{error instanceof Error ? error.message : 'Something went wrong.'}</p>
      <p>
        <button type="button" class="button button-primary" onClick={retry}>
          Try again
        </button>
      </p>
    </Message>
  );
}
