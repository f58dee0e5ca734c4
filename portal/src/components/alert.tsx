import type { ComponentChildren } from 'preact';

export type AlertTone = 'info' | 'success' | 'warning' | 'error';

/** A message block; errors interrupt screen readers, everything else is announced politely. */
export function Alert({ tone, title, children }: { tone: AlertTone; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title ? <p class="alert-title">{title}</p> : null}
      {children ? <div class="alert-body">{children}</div> : null}
    </div>
  );
}
