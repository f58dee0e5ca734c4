import type { ComponentChildren } from 'preact';
import { hrefOf, onLinkClick } from '../router.js';

export interface FrameProps {
  title: string;
  email?: string | null;
  onSignOut?: () => void;
  children: ComponentChildren;
}

function Mark() {
  return (
    <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" />
      <path d="M9 16.5l4.5 4.5L23 11.5" />
    </svg>
  );
}

/** The page chrome: who is signed in, how to sign out, and where the content starts. */
export function Frame({ title, email, onSignOut, children }: FrameProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href={hrefOf.list()} onClick={onSignOut ? onLinkClick : undefined}>
            <Mark />
            <span class="brand-title">{title}</span>
          </a>
          {email && onSignOut ? (
            <div class="account">
              <span class="account-email" title={email}>
                {email}
              </span>
              <button type="button" class="button button-quiet button-small" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" class="page" tabIndex={-1}>
        {children}
      </main>
      <footer class="footer">
        <p>Your answer is recorded only when you confirm it on this page. Opening a link from an email records nothing.</p>
      </footer>
    </>
  );
}
