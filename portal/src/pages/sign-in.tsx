import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Auth } from '../auth.js';
import { CognitoError, CognitoUnreachableError } from '../cognito.js';
import { Alert } from '../components/alert.js';
import type { Action } from '../types.js';

type Mode =
  | { step: 'sign-in' }
  | { step: 'new-password'; username: string; session: string }
  | { step: 'forgot' }
  | { step: 'reset'; destination: string | null };

const MIN_PASSWORD = 8;

/** What to tell a person whose sign-in step failed; Cognito's codes are not for them. */
export function describeAuthError(error: unknown, step: Mode['step']): string {
  if (error instanceof CognitoUnreachableError) return 'The sign-in service could not be reached. Check your connection and try again.';
  if (!(error instanceof CognitoError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'NotAuthorizedException':
      if (/disabled/i.test(error.message)) return 'This account is disabled. Contact the service desk if you still need access.';
      if (step === 'new-password') return 'This sign-in took too long. Please sign in again with your temporary password.';
      return 'Incorrect email or password.';
    case 'UserNotFoundException':
      return 'Incorrect email or password.';
    case 'InvalidPasswordException':
      return step === 'sign-in'
        ? 'Incorrect email or password.'
        : `Choose a different password: ${error.message.replace(/^Password does not conform to policy: /, '')}`;
    case 'PasswordResetRequiredException':
      return 'You need to reset your password before you can sign in.';
    case 'UserNotConfirmedException':
      return 'This account is not confirmed yet. Contact the service desk.';
    case 'CodeMismatchException':
      return 'That code is not correct. Check the code in the email and try again.';
    case 'ExpiredCodeException':
      return 'That code has expired. Request a new code.';
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return 'Too many attempts. Please wait a few minutes and try again.';
    case 'InvalidParameterException':
      return step === 'forgot' ? 'A password reset is not possible for this account. Contact the service desk.' : error.message;
    default:
      return error.message || 'Something went wrong. Please try again.';
  }
}

function Field(props: {
  label: string;
  type: 'email' | 'password' | 'text';
  value: string;
  onInput: (value: string) => void;
  autoComplete: string;
  hint?: string;
  autoFocus?: boolean;
  inputMode?: 'text' | 'email' | 'numeric';
}) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.autoFocus) ref.current?.focus();
  }, [props.autoFocus]);
  const attributes = {
    ref,
    id,
    name: props.autoComplete,
    value: props.value,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
    autoComplete: props.autoComplete,
    required: true,
    spellcheck: false,
    autoCapitalize: 'off' as const,
    ...(props.inputMode ? { inputMode: props.inputMode } : {}),
    ...(props.hint ? { 'aria-describedby': `${id}-hint` } : {}),
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.type === 'password' ? (
        <input type="password" {...attributes} />
      ) : props.type === 'email' ? (
        <input type="email" {...attributes} />
      ) : (
        <input type="text" {...attributes} />
      )}
      {props.hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export interface SignInProps {
  auth: Auth;
  /** Said above the form: why signing in is needed right now. */
  context: string;
  /**
   * Arrived from a mail link: the request and the action it chose, as the link says (nothing is
   * read before sign-in, so this names only what the link itself carries).
   */
  landing?: { requestId: string; action: Action } | null;
}

const ACTION_LABELS: Record<Action, string> = { approve: 'Approve', decline: 'Decline', feedback: 'Respond with feedback' };

/** What the mail link asked for, shown above the sign-in form. */
function Landing({ requestId, action }: { requestId: string; action: Action }) {
  return (
    <div class="landing">
      <p>
        You chose <strong>{ACTION_LABELS[action]}</strong> in the email.
      </p>
      <p class="landing-request">
        Request <span class="request-number">{requestId}</span>
      </p>
    </div>
  );
}

/** Sign-in, first-time password change and password reset, all against the Cognito app client. */
export function SignIn({ auth, context, landing = null }: SignInProps) {
  const [mode, setMode] = useState<Mode>({ step: 'sign-in' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(auth.notice);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const go = (next: Mode, message: string | null = null) => {
    setMode(next);
    setError(null);
    setNotice(message);
    setNewPassword('');
    setRepeat('');
    setCode('');
  };

  useEffect(() => {
    if (mode.step !== 'sign-in') headingRef.current?.focus();
  }, [mode.step]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(describeAuthError(e, mode.step));
      if (e instanceof CognitoError && e.code === 'PasswordResetRequiredException')
        go({ step: 'forgot' }, 'You need to reset your password before you can sign in.');
    } finally {
      setBusy(false);
    }
  };

  const checkNewPassword = (): boolean => {
    if (newPassword.length < MIN_PASSWORD) {
      setError(`Your new password needs at least ${MIN_PASSWORD} characters.`);
      return false;
    }
    if (newPassword !== repeat) {
      setError('The two passwords do not match.');
      return false;
    }
    return true;
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (mode.step === 'sign-in') {
      void run(async () => {
        const result = await auth.signIn(email, password);
        setPassword('');
        if (result.kind === 'new-password-required') go({ step: 'new-password', username: result.username, session: result.session });
      });
    } else if (mode.step === 'new-password') {
      if (!checkNewPassword()) return;
      void run(() => auth.completeNewPassword(mode.username, mode.session, newPassword));
    } else if (mode.step === 'forgot') {
      void run(async () => {
        try {
          const { destination } = await auth.cognito.forgotPassword(email.trim());
          go({ step: 'reset', destination });
        } catch (e) {
          // Whether an account exists is not ours to tell; the reset form follows either way.
          if (e instanceof CognitoError && e.code === 'UserNotFoundException') go({ step: 'reset', destination: null });
          else throw e;
        }
      });
    } else {
      if (!checkNewPassword()) return;
      void run(async () => {
        await auth.cognito.confirmForgotPassword(email.trim(), code.trim(), newPassword);
        setPassword('');
        go({ step: 'sign-in' }, 'Your password has been changed. Sign in with your new password.');
      });
    }
  };

  const heading = {
    'sign-in': 'Sign in',
    'new-password': 'Choose a new password',
    forgot: 'Reset your password',
    reset: 'Enter the code and a new password',
  }[mode.step];

  return (
    <div class="auth">
      <div class="card auth-card">
        <h1 ref={headingRef} tabIndex={-1}>
          {heading}
        </h1>
        {mode.step === 'sign-in' && landing ? <Landing {...landing} /> : null}
        {mode.step === 'sign-in' ? <p class="muted">{context}</p> : null}
        {mode.step === 'new-password' ? (
          <p class="muted">You signed in with a temporary password. Choose your own password to continue.</p>
        ) : null}
        {mode.step === 'forgot' ? (
          <p class="muted">Enter the email address this portal knows you by. We will send you a code to reset your password.</p>
        ) : null}
        {mode.step === 'reset' ? (
          <p class="muted">
            {mode.destination
              ? `We sent a code to ${mode.destination}. Enter it below together with your new password.`
              : `If ${email.trim() || 'that address'} has an account, we sent a code to it. Enter it below together with your new password.`}
          </p>
        ) : null}

        {notice ? <Alert tone="info">{notice}</Alert> : null}
        {error ? <Alert tone="error">{error}</Alert> : null}

        <form class="form" onSubmit={submit} noValidate={false}>
          {mode.step === 'sign-in' || mode.step === 'forgot' ? (
            <Field
              label="Email address"
              type="email"
              value={email}
              onInput={setEmail}
              autoComplete="username"
              inputMode="email"
              autoFocus
            />
          ) : null}
          {mode.step === 'sign-in' ? (
            <Field label="Password" type="password" value={password} onInput={setPassword} autoComplete="current-password" />
          ) : null}
          {mode.step === 'reset' ? (
            <Field label="Verification code" type="text" value={code} onInput={setCode} autoComplete="one-time-code" autoFocus />
          ) : null}
          {mode.step === 'new-password' || mode.step === 'reset' ? (
            <>
              <Field
                label="New password"
                type="password"
                value={newPassword}
                onInput={setNewPassword}
                autoComplete="new-password"
                hint={`At least ${MIN_PASSWORD} characters.`}
                autoFocus={mode.step === 'new-password'}
              />
              <Field label="Repeat new password" type="password" value={repeat} onInput={setRepeat} autoComplete="new-password" />
            </>
          ) : null}
          <button type="submit" class="button button-primary button-block" disabled={busy} aria-busy={busy}>
            {busy
              ? 'Please wait…'
              : { 'sign-in': 'Sign in', 'new-password': 'Set password and continue', forgot: 'Send code', reset: 'Change password' }[
                  mode.step
                ]}
          </button>
        </form>

        <div class="auth-links">
          {mode.step === 'sign-in' ? (
            <button type="button" class="link-button" onClick={() => go({ step: 'forgot' })}>
              Forgot your password?
            </button>
          ) : (
            <button type="button" class="link-button" onClick={() => go({ step: 'sign-in' })}>
              Back to sign in
            </button>
          )}
          {mode.step === 'reset' ? (
            <button type="button" class="link-button" onClick={() => go({ step: 'forgot' })}>
              Send a new code
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
