import type {
  Actor,
  ContentFieldChange,
  ContentRef,
  Deadline,
  DeliveryProblem,
  MailKind,
  Policy,
  RequestStatus,
  SignedInAs,
} from './types.js';

export interface RecipientRef {
  approverId: string;
  name: string;
}

/** What every recorded answer keeps: the content hash it was given on and who signed in. */
export interface AnswerEvidence {
  contentHash?: string;
  signedInAs?: SignedInAs;
  authTime?: string | null;
}

export interface DelegatedPlace {
  delegator: RecipientRef;
  substitute: RecipientRef;
  until: string;
}

interface EventBase {
  at: string;
  actor: Actor;
  requestId: string | null;
}

/** Every step the ticket's activity log shows, oldest first. */
export type ActivityEvent = EventBase &
  (
    | { type: 'request_created'; recipients: string[]; policy: Policy; deadline?: Deadline }
    | { type: 'recipients_changed'; added: RecipientRef[]; removed: RecipientRef[]; stage?: number }
    | { type: 'stage_started'; stage: number; name: string | null; recipients: string[] }
    | { type: 'mail_sent'; approverId: string; mail: MailKind; email: string }
    | { type: 'mail_failed'; approverId: string; mail: MailKind; error: string; attempts: number }
    | {
        type: 'mail_undelivered';
        approverId: string;
        mail: MailKind;
        email: string;
        problem: DeliveryProblem['type'];
        permanent: boolean;
        detail: string;
      }
    | { type: 'reminder_requested'; approverId: string }
    | ({ type: 'feedback_given'; approverId: string; body: string } & AnswerEvidence)
    /** `onBehalfOf`: a substitute answered for this delegator's place (domain/delegation.ts). */
    | ({ type: 'response_recorded'; approverId: string; decision: 'approved' | 'declined'; onBehalfOf?: string } & AnswerEvidence)
    | { type: 'status_changed'; from: RequestStatus; to: RequestStatus }
    | { type: 'request_canceled' }
    | { type: 'ticket_updated' }
    | {
        type: 'content_changed';
        from: ContentRef;
        to: ContentRef;
        changes: ContentFieldChange[];
        /** The approvals that became stale (`reapprove`); empty with `keep`. */
        stale: RecipientRef[];
      }
    | { type: 'deadline_changed'; deadline: Deadline | null }
    | { type: 'deadline_passed'; deadline: Deadline }
    | { type: 'escalated'; expired: RecipientRef[]; added: RecipientRef[] }
    | { type: 'receipt_issued'; receiptHash: string; previous: string | null; kid: string }
    /** Places handed to substitutes (domain/delegation.ts): on a new request, or an open one when a delegation starts. */
    | { type: 'delegated'; places: DelegatedPlace[] }
  );

export type ActivityType = ActivityEvent['type'];

type Data<T extends ActivityType> = Omit<Extract<ActivityEvent, { type: T }>, keyof EventBase | 'type'>;

export function activity<T extends ActivityType>(type: T, base: EventBase, data: Data<T>): Extract<ActivityEvent, { type: T }> {
  return { ...base, type, ...data } as Extract<ActivityEvent, { type: T }>;
}
