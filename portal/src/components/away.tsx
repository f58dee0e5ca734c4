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

/** One input of the form, labelled, with its hint below when it has one. */
function FormField({
  label,
  type,
  hint,
  onInput,
  ...input
}: {
  label: string;
  type: 'text' | 'datetime-local';
  value: string;
  onInput: (value: string) => void;
  hint?: string;
  maxLength?: number;
  dir?: 'auto';
}) {
  const id = useId();
  const attributes = {
    id,
    ...input,
    ...(hint ? { 'aria-describedby': `${id}-hint` } : {}),
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {type === 'text' ? <input type="text" {...attributes} /> : <input type="datetime-local" {...attributes} />}
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

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
            <FormField
              label="Substitute's approver ID"
              type="text"
              value={substituteId}
              onInput={setSubstituteId}
              hint="Ask your service desk for the ID of a colleague who can approve in your place."
            />
            <FormField label="Away from (optional: now)" type="datetime-local" value={from} onInput={setFrom} />
            <FormField
              label="Back on"
              type="datetime-local"
              value={until}
              onInput={setUntil}
              hint="At most 90 days. Requests come to you again from then on."
            />
            <FormField label="Note (optional)" type="text" maxLength={500} dir="auto" value={note} onInput={setNote} />
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Name substitute'}
            </button>
          </form>
        ) : null}
      </div>
    </section>
  );
}
