import type { RefObject } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { LocalTime } from '../format.js';
import type { Action, ApprovalView, ResponseBody } from '../types.js';
import { Alert } from './alert.js';
import { isOpen } from './status.js';

const CHOICES: { action: Action; label: string; description: string }[] = [
  { action: 'approve', label: 'Approve', description: 'Give your approval.' },
  { action: 'decline', label: 'Decline', description: 'Turn the request down, with a reason.' },
  { action: 'feedback', label: 'Respond with feedback', description: 'Ask a question or comment. Decide later.' },
];

const NO_FEEDBACK = 'Write your feedback before sending it.';

const labelOf = (action: Action) => CHOICES.find((c) => c.action === action)?.label ?? action;

export interface AnswerProps {
  view: ApprovalView;
  /** The action of the mail link the approver followed; preselected, never submitted by itself. */
  initialAction: Action | null;
  busy: boolean;
  onAnswer: (body: ResponseBody) => void;
}

/** Where the approver stands, and what they can still do. */
export function Answer({ view, initialAction, busy, onAnswer }: AnswerProps) {
  return (
    <>
      {view.you.onBehalfOf ? (
        <p class="muted">
          You answer on behalf of <span dir="auto">{view.you.onBehalfOf.name}</span>, who named you as their substitute. The first answer,
          theirs or yours, counts.
        </p>
      ) : null}
      <Standing view={view} />
      {view.you.feedback.length > 0 ? <FeedbackHistory feedback={view.you.feedback} /> : null}
      {view.canDecide ? (
        <DecisionForm
          key={view.you.feedback.length}
          initialAction={initialAction}
          busy={busy}
          onAnswer={onAnswer}
          ticketNumber={view.ticket.number}
          requireReason={view.requireDeclineReason}
        />
      ) : view.canGiveFeedback ? (
        <FeedbackForm key={view.you.feedback.length} busy={busy} onAnswer={onAnswer} focus={initialAction === 'feedback'} />
      ) : null}
    </>
  );
}

function Standing({ view }: { view: ApprovalView }) {
  const { you, status } = view;
  if (you.status === 'approved' || you.status === 'declined') {
    const verb = you.status === 'approved' ? 'approved' : 'declined';
    return (
      <div class={`standing standing-${you.status === 'approved' ? 'good' : 'bad'}`}>
        <p class="standing-title">
          {you.answeredBy ? (
            <>
              <span dir="auto">{you.answeredBy.name}</span> {verb} this request for your place
            </>
          ) : (
            `You ${verb} this request`
          )}
        </p>
        {you.respondedAt ? (
          <p class="standing-detail">
            Recorded <LocalTime iso={you.respondedAt} />. Your decision is final.
          </p>
        ) : null}
      </div>
    );
  }
  if (you.status === 'removed') {
    return (
      <div class="standing standing-muted">
        <p class="standing-title">Your answer is no longer needed</p>
        <p class="standing-detail">The request was changed and you are no longer one of its approvers.</p>
      </div>
    );
  }
  if (you.status === 'expired') {
    return (
      <div class="standing standing-muted">
        <p class="standing-title">The deadline passed before you answered</p>
        <p class="standing-detail">The request went to others, so no answer is needed from you.</p>
      </div>
    );
  }
  if (status === 'canceled') {
    return (
      <div class="standing standing-muted">
        <p class="standing-title">This request was withdrawn</p>
        <p class="standing-detail">It was canceled before you answered, so no answer is needed from you.</p>
      </div>
    );
  }
  if (!isOpen(status)) {
    return (
      <div class="standing standing-muted">
        <p class="standing-title">This request is already {status === 'approved' ? 'approved' : 'declined'}</p>
        <p class="standing-detail">It was decided before you answered, so no answer is needed from you.</p>
      </div>
    );
  }
  return null;
}

function FeedbackHistory({ feedback }: { feedback: ApprovalView['you']['feedback'] }) {
  return (
    <div class="feedback-history">
      <h3>Your feedback so far</h3>
      <ol>
        {feedback.map((f, i) => (
          <li key={`${f.at}-${i}`}>
            <p class="prewrap" dir="auto">
              {f.body}
            </p>
            <p class="feedback-time">
              <LocalTime iso={f.at} />
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

function TextArea(props: {
  label: string;
  hint: string;
  value: string;
  onInput: (value: string) => void;
  required?: boolean;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        ref={props.inputRef}
        id={id}
        rows={4}
        maxLength={4000}
        value={props.value}
        aria-required={props.required}
        dir="auto"
        aria-describedby={`${id}-hint`}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <p class="field-hint" id={`${id}-hint`}>
        {props.hint}
      </p>
    </div>
  );
}

/**
 * The text of a written answer (a decline's reason, feedback) and what is wrong with it: typing
 * clears the error. `textField` renders the text area with the error below it.
 */
function useWrittenAnswer() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  /** Shows `message` and puts the cursor back in the text. */
  const refuse = (message: string) => {
    setError(message);
    textRef.current?.focus();
  };
  const textField = (field: { label: string; hint: string; required?: boolean }) => (
    <>
      <TextArea
        {...field}
        value={text}
        onInput={(v) => {
          setText(v);
          setError(null);
        }}
        inputRef={textRef}
      />
      {error ? <Alert tone="error">{error}</Alert> : null}
    </>
  );
  return { text, setError, textRef, refuse, textField };
}

function DecisionForm({
  initialAction,
  busy,
  onAnswer,
  ticketNumber,
  requireReason,
}: {
  initialAction: Action | null;
  busy: boolean;
  onAnswer: (body: ResponseBody) => void;
  ticketNumber: string;
  /** The technician asked for a reason with every decline; the API refuses one without. */
  requireReason: boolean;
}) {
  const [choice, setChoice] = useState<Action | null>(initialAction);
  const { text, setError, textRef, refuse, textField } = useWrittenAnswer();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const name = useId();

  // A mail link lands with its action chosen and the one control that records it in focus. The
  // page scrolls only as far as the confirm button needs (none where it fits), so the ticket's
  // title and status above stay in view with it.
  useEffect(() => {
    if (!initialAction) return;
    const target = initialAction === 'approve' ? confirmRef.current : textRef.current;
    target?.focus({ preventScroll: true });
    confirmRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy || !choice) return;
    const trimmed = text.trim();
    if (choice === 'feedback') {
      if (!trimmed) {
        refuse(NO_FEEDBACK);
        return;
      }
      onAnswer({ feedback: trimmed });
    } else if (choice === 'decline' && requireReason && !trimmed) {
      refuse('Give a reason for declining: this request needs one.');
    } else {
      onAnswer({ decision: choice, ...(choice === 'decline' && trimmed ? { feedback: trimmed } : {}) });
    }
  };

  /** The decline and feedback steps: the text, what is wrong with it, and the button that confirms. */
  const writtenStep = (
    field: { label: string; hint: string; required: boolean },
    button: { tone: 'button-decline' | 'button-primary'; busy: string; label: string },
  ) => (
    <div class="confirm">
      {textField(field)}
      <button ref={confirmRef} type="submit" class={`button ${button.tone} button-block`} disabled={busy}>
        {busy ? button.busy : button.label}
      </button>
    </div>
  );

  return (
    <form class="decision" onSubmit={submit}>
      {initialAction ? (
        <Alert tone="info">
          You chose <strong>{labelOf(initialAction)}</strong> in the email. Nothing has been recorded yet: confirm below.
        </Alert>
      ) : null}
      <fieldset class="choices">
        <legend>What would you like to do?</legend>
        {CHOICES.map((c) => (
          <label key={c.action} class={`choice choice-${c.action}${choice === c.action ? ' is-selected' : ''}`}>
            <input
              type="radio"
              name={name}
              value={c.action}
              checked={choice === c.action}
              onChange={() => {
                setChoice(c.action);
                setError(null);
              }}
            />
            <span class="choice-text">
              <span class="choice-label">{c.label}</span>
              <span class="choice-description">{c.description}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {choice === 'approve' ? (
        <div class="confirm">
          <p>Your approval of ticket #{ticketNumber} is recorded when you confirm. You cannot change it afterwards.</p>
          <button ref={confirmRef} type="submit" class="button button-approve button-block" disabled={busy}>
            {busy ? 'Recording…' : 'Confirm approval'}
          </button>
        </div>
      ) : null}
      {choice === 'decline'
        ? writtenStep(
            {
              label: requireReason ? 'Reason (required)' : 'Reason (optional)',
              hint: requireReason
                ? 'This request needs a reason with a decline. It goes to the person who asked for your approval.'
                : 'Your reason goes to the person who asked for your approval.',
              required: requireReason,
            },
            { tone: 'button-decline', busy: 'Recording…', label: 'Confirm decline' },
          )
        : null}
      {choice === 'feedback'
        ? writtenStep(
            {
              label: 'Your feedback',
              hint: 'Your feedback goes to the person who asked. You can still approve or decline afterwards.',
              required: true,
            },
            { tone: 'button-primary', busy: 'Sending…', label: 'Send feedback' },
          )
        : null}
      {choice === null ? <p class="muted choose-hint">Choose an answer above. Nothing is recorded until you confirm it.</p> : null}
    </form>
  );
}

function FeedbackForm({ busy, onAnswer, focus }: { busy: boolean; onAnswer: (body: ResponseBody) => void; focus: boolean }) {
  const { text, textRef, refuse, textField } = useWrittenAnswer();
  useEffect(() => {
    if (focus) textRef.current?.focus();
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!text.trim()) {
      refuse(NO_FEEDBACK);
      return;
    }
    onAnswer({ feedback: text.trim() });
  };
  return (
    <form class="decision" onSubmit={submit}>
      {textField({ label: 'Add feedback', hint: 'Your feedback goes to the person who asked for your approval.' })}
      <button type="submit" class="button button-secondary" disabled={busy}>
        {busy ? 'Sending…' : 'Send feedback'}
      </button>
    </form>
  );
}
