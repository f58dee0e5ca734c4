import { useId, useState } from 'preact/hooks';
import { ApiError, type PortalApi } from '../api.js';
import { LocalTime } from '../format.js';
import type { Delegation } from '../types.js';
import { Alert } from './alert.js';
import { useAsync } from './use-async.js';

/** A `datetime-local` value (the viewer's own time) as an ISO timestamp, or null when empty or invalid. */
const isoOf = (local: string) => {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
};

/**
 * "Away? Name a substitute": while the approver is away, their requests go to the substitute,
 * who answers on their behalf (README "Delegation"). Shows the delegation that is set, or a form.
 */
export function AwayPanel({ api }: { api: PortalApi }) {
  const { result, set } = useAsync(() => api.getDelegation(), 'delegation');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = useId();
  const [substituteId, setSubstituteId] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [note, setNote] = useState('');

  const act = async (work: () => Promise<Delegation | null>, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      set(await work());
      setDone(message);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong. Please try again.');
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const untilIso = isoOf(until);
    if (!substituteId.trim() || !untilIso) {
      setError('Give your substitute and when you are back.');
      return;
    }
    const fromIso = isoOf(from);
    void act(
      () =>
        api.setDelegation({
          substituteId: substituteId.trim(),
          until: untilIso,
          ...(fromIso ? { from: fromIso } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      'Your substitute is set.',
    );
  };

  const delegation = result.state === 'done' ? result.value : null;
  return (
    <section class="card away" aria-labelledby={`${id}-heading`}>
      <div class="card-header">
        <h2 id={`${id}-heading`}>Away? Name a substitute</h2>
      </div>
      <div class="away-body">
        {result.state === 'loading' ? <p class="muted">Loading…</p> : null}
        {result.state === 'failed' ? <Alert tone="error">Your substitute could not be loaded.</Alert> : null}
        {done ? <Alert tone="success">{done}</Alert> : null}
        {error ? <Alert tone="error">{error}</Alert> : null}
        {delegation ? (
          <div class="away-set">
            <p>
              {delegation.active ? 'While you are away, ' : 'From '}
              {delegation.active ? null : <LocalTime iso={delegation.from} />}
              {delegation.active ? null : ', '}
              your approval requests go to <strong dir="auto">{delegation.substituteName}</strong> until{' '}
              <LocalTime iso={delegation.until} />.
            </p>
            {delegation.note ? (
              <p class="muted" dir="auto">
                {delegation.note}
              </p>
            ) : null}
            <button
              type="button"
              class="button button-secondary"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  await api.clearDelegation();
                  return null;
                }, 'Your requests come to you again.')
              }
            >
              {busy ? 'Ending…' : "I'm back: end it now"}
            </button>
          </div>
        ) : result.state === 'done' ? (
          <form class="away-form" onSubmit={submit}>
            <p class="muted">
              Your substitute answers the requests sent to you, on your behalf, until you are back. Requests already waiting for you go to
              them too. The first answer, yours or theirs, counts.
            </p>
            <div class="field">
              <label for={`${id}-sub`}>Substitute's approver ID</label>
              <input
                id={`${id}-sub`}
                type="text"
                value={substituteId}
                aria-describedby={`${id}-sub-hint`}
                onInput={(e) => setSubstituteId((e.currentTarget as HTMLInputElement).value)}
              />
              <p class="field-hint" id={`${id}-sub-hint`}>
                Ask your service desk for the ID of a colleague who can approve in your place.
              </p>
            </div>
            <div class="field">
              <label for={`${id}-from`}>Away from (optional: now)</label>
              <input
                id={`${id}-from`}
                type="datetime-local"
                value={from}
                onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for={`${id}-until`}>Back on</label>
              <input
                id={`${id}-until`}
                type="datetime-local"
                value={until}
                aria-describedby={`${id}-until-hint`}
                onInput={(e) => setUntil((e.currentTarget as HTMLInputElement).value)}
              />
              <p class="field-hint" id={`${id}-until-hint`}>
                At most 90 days. Requests come to you again from then on.
              </p>
            </div>
            <div class="field">
              <label for={`${id}-note`}>Note (optional)</label>
              <input
                id={`${id}-note`}
                type="text"
                maxLength={500}
                value={note}
                dir="auto"
                onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Name substitute'}
            </button>
          </form>
        ) : null}
      </div>
    </section>
  );
}
