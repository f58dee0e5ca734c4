import { useEffect, useRef, useState } from 'preact/hooks';
import { contentChangeText, contentFieldLabel } from '../../../functions/domain/content-fields.js';
import { ApiError, type PortalApi } from '../api.js';
import { Alert } from '../components/alert.js';
import { Answer } from '../components/answer.js';
import { Conversation } from '../components/conversation.js';
import { ReceiptDownload } from '../components/receipt-download.js';
import { isOpen, RequestStatusBadge } from '../components/status.js';
import { useAsync } from '../components/use-async.js';
import { LocalTime, personName } from '../format.js';
import { hrefOf, navigate, onLinkClick } from '../router.js';
import type { Action, ApprovalView, ResponseBody } from '../types.js';
import type { Wording } from '../wording.js';
import { LoadFailed, Loading } from './messages.js';

const recorded = (body: ResponseBody) =>
  body.decision === 'approve'
    ? 'Your approval has been recorded.'
    : body.decision === 'decline'
      ? 'Your decline has been recorded.'
      : 'Your feedback has been sent.';

export interface RequestPageProps {
  api: PortalApi;
  requestId: string;
  action: Action | null;
  wording: Wording;
}

/** One request: what the mail showed, where the approver stands, and the answer form. */
export function RequestPage({ api, requestId, action, wording }: RequestPageProps) {
  const { result, reload, set } = useAsync(() => api.getApproval(requestId), requestId);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [gone, setGone] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const outcome = useRef<HTMLDivElement>(null);

  const view = result.state === 'done' ? result.value : null;
  useEffect(() => {
    document.title = view ? `#${view.ticket.number} ${view.ticket.subject} · ${wording.title}` : wording.title;
  }, [view?.ticket.number, view?.ticket.subject, wording.title]);
  useEffect(() => {
    if (result.state === 'done' && !action) heading.current?.focus({ preventScroll: true });
  }, [result.state]);

  const answer = async (body: ResponseBody) => {
    setBusy(true);
    setFailure(null);
    setFlash(null);
    try {
      // The answer is bound to what this page shows: if the ticket changed meanwhile, it is refused (409) and the page reloads.
      const hash = view?.content.hash;
      set(await api.respond(requestId, hash ? { ...body, contentHash: hash } : body));
      setFlash(recorded(body));
      // The link's action is used up: a reload must not preselect it again.
      if (action) navigate(hrefOf.request(requestId), { replace: true });
      requestAnimationFrame(() => outcome.current?.focus());
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) setGone(error);
      else if (error instanceof ApiError && error.status === 409) {
        setFailure(`Your answer was not recorded: ${error.message}`);
        api.getApproval(requestId).then(set, () => undefined);
      } else setFailure(`Your answer was not recorded. ${error instanceof Error ? error.message : ''}`.trim());
      requestAnimationFrame(() => outcome.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  if (gone) return <LoadFailed error={gone} retry={reload} />;
  if (result.state === 'loading') return <Loading label="Loading the request…" />;
  if (result.state === 'failed') return <LoadFailed error={result.error} retry={reload} />;
  const v: ApprovalView = result.value;
  const askedBy = personName(v.requestedBy);
  // From a mail link with an answer still to give: the answer comes right under the ticket's
  // heading, the message moves beside the conversation, so both fit on one screen.
  const landed = action !== null && (v.canDecide || v.canGiveFeedback);
  const message = v.message ? (
    <section class="card message" aria-labelledby="message-heading">
      <h2 id="message-heading">Message from {askedBy}</h2>
      <p class="prewrap" dir="auto">
        {v.message}
      </p>
    </section>
  ) : null;

  return (
    <div class="stack">
      <a class="back-link" href={hrefOf.list()} onClick={onLinkClick}>
        <span aria-hidden="true">←</span> My approvals
      </a>

      <div class="page-heading">
        <p class="eyebrow">Ticket #{v.ticket.number}</p>
        <h1 ref={heading} tabIndex={-1} dir="auto">
          {v.ticket.subject}
        </h1>
        <p class="heading-meta">
          <RequestStatusBadge status={v.status} />
          <span>
            {askedBy} asked for your approval on <LocalTime iso={v.createdAt} />
          </span>
        </p>
      </div>

      <div ref={outcome} tabIndex={-1} class="outcome">
        {flash ? <Alert tone="success">{flash}</Alert> : null}
        {failure ? <Alert tone="error">{failure}</Alert> : null}
      </div>

      <StageNote view={v} />
      <DeadlineNote view={v} />
      <StaleNote view={v} />

      {landed ? null : message}

      <div class="request-layout">
        <div class="request-side">
          <section class="card answer-card" aria-labelledby="answer-heading">
            <h2 id="answer-heading">Your answer</h2>
            <Answer view={v} initialAction={action} busy={busy} onAnswer={answer} />
          </section>

          <section class="card" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <dl class="details">
              <dt>Ticket</dt>
              <dd>#{v.ticket.number}</dd>
              <dt>Requester</dt>
              <dd dir="auto">
                {v.ticket.requester.name}
                <span class="details-sub">{v.ticket.requester.email}</span>
              </dd>
              <dt>Requested by</dt>
              <dd dir="auto">
                {askedBy}
                {v.requestedBy.name && v.requestedBy.email ? <span class="details-sub">{v.requestedBy.email}</span> : null}
              </dd>
              <dt>Requested</dt>
              <dd>
                <LocalTime iso={v.createdAt} />
              </dd>
              {v.deadline ? (
                <>
                  <dt>Answer by</dt>
                  <dd>
                    <LocalTime iso={v.deadline.at} />
                  </dd>
                </>
              ) : null}
              {v.closedAt ? (
                <>
                  <dt>Closed</dt>
                  <dd>
                    <LocalTime iso={v.closedAt} />
                  </dd>
                </>
              ) : null}
              <dt>Request number</dt>
              <dd class="request-number">{v.id}</dd>
              {v.content.hash ? (
                <>
                  <dt>Content</dt>
                  <dd class="request-number" data-testid="content-hash">
                    Version {v.content.version} · {v.content.hash}
                    <span class="details-sub">Your answer is recorded with this fingerprint of what this page shows.</span>
                  </dd>
                </>
              ) : null}
            </dl>
            {isOpen(v.status) ? null : <ReceiptDownload api={api} requestId={v.id} />}
          </section>
        </div>

        <div class="request-main stack">
          {landed ? message : null}
          <section class="card" aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">Conversation</h2>
            <Conversation entries={v.ticket.conversation} />
          </section>
        </div>
      </div>
    </div>
  );
}

/** On a request in stages: which stage asks you, and how far the request has come. */
function StageNote({ view }: { view: ApprovalView }) {
  const { stage, stageProgress } = view;
  if (!stage || !stageProgress) return null;
  return (
    <p class="stage-note">
      <strong>
        Your stage: {stage.index} of {stage.total}
        {stage.name ? <span dir="auto"> ({stage.name})</span> : null}
      </strong>
      <span> · {stageProgress.label}</span>
    </p>
  );
}

/** An approval given before the ticket changed no longer counts: say so, and what changed. */
function StaleNote({ view }: { view: ApprovalView }) {
  const stale = view.you.staleApproval;
  if (!stale || view.you.status !== 'pending') return null;
  const changes = view.contentChange?.changes ?? [];
  return (
    <Alert tone="info">
      <span data-testid="stale-approval">
        The ticket changed after you approved it on <LocalTime iso={stale.at} />, so your approval no longer counts. Please look again and
        answer.
      </span>
      {changes.length > 0 ? (
        <ul class="changes">
          {changes.map((c) => (
            <li key={c.field} dir="auto">
              {contentFieldLabel(c.field)}: {contentChangeText(c)}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

const AFTER_DEADLINE = {
  decline: 'If it is still open then, it is declined.',
  cancel: 'If it is still open then, it is withdrawn.',
  escalate: 'If you have not answered by then, it goes to others.',
} as const;

/** When answers are due, and what happens then; or that the deadline closed the request. */
function DeadlineNote({ view }: { view: ApprovalView }) {
  const { deadline } = view;
  if (!deadline) return null;
  if (view.closedReason === 'deadline') {
    return (
      <Alert tone="info">
        The deadline (<LocalTime iso={deadline.at} />) passed before the request was decided, so it was{' '}
        {view.status === 'canceled' ? 'withdrawn' : 'declined'}.
      </Alert>
    );
  }
  if (view.deadlinePassedAt || !isOpen(view.status)) return null;
  return (
    <Alert tone="info">
      Please answer by <LocalTime iso={deadline.at} />. {AFTER_DEADLINE[deadline.outcome]}
    </Alert>
  );
}
