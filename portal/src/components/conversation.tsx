import { useState } from 'preact/hooks';
import { LocalTime } from '../format.js';
import type { ApprovalView } from '../types.js';

/** Long threads open on the newest entries, as the mail does; the rest is one click away. */
const SHOWN_AT_FIRST = 10;

type Entry = ApprovalView['ticket']['conversation'][number];

export function Conversation({ entries }: { entries: Entry[] }) {
  const [showAll, setShowAll] = useState(false);
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at));
  const hidden = showAll ? 0 : Math.max(0, sorted.length - SHOWN_AT_FIRST);
  const shown = sorted.slice(hidden);
  if (sorted.length === 0) return <p class="muted">The ticket has no messages yet.</p>;
  return (
    <>
      {hidden > 0 ? (
        <button type="button" class="button button-quiet button-small thread-more" onClick={() => setShowAll(true)}>
          Show {hidden} earlier {hidden === 1 ? 'message' : 'messages'}
        </button>
      ) : null}
      <ol class="thread">
        {shown.map((entry, index) => (
          <li class="thread-entry" key={`${entry.at}-${index}`}>
            <div class="thread-meta">
              <span class="thread-avatar" aria-hidden="true">
                {initials(entry.author)}
              </span>
              <span class="thread-author" dir="auto">
                {entry.author}
              </span>
              <span class="thread-time">
                <LocalTime iso={entry.at} />
              </span>
            </div>
            <div class="thread-body" dir="auto">
              {entry.body}
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return (
    letters
      .map((p) => Array.from(p ?? '')[0] ?? '')
      .join('')
      .toUpperCase() || '?'
  );
}
