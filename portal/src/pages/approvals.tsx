import { useEffect, useRef } from 'preact/hooks';
import type { PortalApi } from '../api.js';
import { AwayPanel } from '../components/away.js';
import { isOpen, RequestStatusBadge, YourStatusBadge } from '../components/status.js';
import { useAsync } from '../components/use-async.js';
import { LocalTime, personName } from '../format.js';
import { hrefOf, onLinkClick } from '../router.js';
import type { ApprovalSummary } from '../types.js';
import type { Wording } from '../wording.js';
import { LoadFailed, Loading } from './messages.js';

const waiting = (a: ApprovalSummary) => isOpen(a.status) && a.you.status === 'pending';

function ApprovalTable({ caption, items }: { caption: string; items: ApprovalSummary[] }) {
  return (
    <table class="approvals">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Ticket</th>
          <th scope="col">Subject</th>
          <th scope="col">Requester</th>
          <th scope="col">Requested by</th>
          <th scope="col">Requested</th>
          <th scope="col">Your status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <tr key={a.requestId}>
            <td data-label="Ticket" class="cell-number">
              #{a.ticket.number}
            </td>
            <th scope="row" data-label="Subject" class="cell-subject">
              <a href={hrefOf.request(a.requestId)} onClick={onLinkClick} dir="auto">
                {a.ticket.subject}
              </a>
              {!waiting(a) ? (
                <span class="cell-request-status">
                  <RequestStatusBadge status={a.status} />
                </span>
              ) : null}
            </th>
            <td data-label="Requester" dir="auto">
              {a.ticket.requester.name}
            </td>
            <td data-label="Requested by" dir="auto">
              {personName(a.requestedBy)}
            </td>
            <td data-label="Requested">
              <LocalTime iso={a.createdAt} />
            </td>
            <td data-label="Your status">
              <YourStatusBadge you={a.you.status} request={a.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "My approvals": what waits for the approver first, then everything they were asked before. */
export function Approvals({ api, wording }: { api: PortalApi; wording: Wording }) {
  const { result, reload } = useAsync(() => api.listApprovals(), 'approvals');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `My approvals · ${wording.title}`;
  }, [wording.title]);
  useEffect(() => {
    if (result.state === 'done') heading.current?.focus({ preventScroll: true });
  }, [result.state]);

  if (result.state === 'loading') return <Loading label="Loading your approvals…" />;
  if (result.state === 'failed') return <LoadFailed error={result.error} retry={reload} />;

  const open = result.value.filter(waiting);
  const rest = result.value.filter((a) => !waiting(a));
  return (
    <div class="stack">
      <div class="page-heading">
        <h1 ref={heading} tabIndex={-1}>
          My approvals
        </h1>
        <p class="muted">{wording.listIntro}</p>
      </div>

      <section class="card" aria-labelledby="waiting-heading">
        <div class="card-header">
          <h2 id="waiting-heading">Waiting for your answer</h2>
          <span class="count">
            {open.length}
            <span class="visually-hidden">{open.length === 1 ? ' request' : ' requests'}</span>
          </span>
        </div>
        {open.length > 0 ? (
          <ApprovalTable caption="Requests waiting for your answer" items={open} />
        ) : (
          <p class="empty">
            Nothing is waiting for you. When {wording.team} asks for your approval, the request shows up here and in your email.
          </p>
        )}
      </section>

      {rest.length > 0 ? (
        <section class="card" aria-labelledby="earlier-heading">
          <div class="card-header">
            <h2 id="earlier-heading">Answered or closed</h2>
            <span class="count">
              {rest.length}
              <span class="visually-hidden">{rest.length === 1 ? ' request' : ' requests'}</span>
            </span>
          </div>
          <ApprovalTable caption="Requests you answered or that are closed" items={rest} />
        </section>
      ) : null}

      <AwayPanel api={api} />
    </div>
  );
}
