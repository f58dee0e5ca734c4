import { describe, expect, it } from 'vitest';
import { CognitoError, CognitoUnreachableError } from '../../portal/src/cognito.js';
import { describeAuthError } from '../../portal/src/pages/sign-in.js';

const cognito = (code: string, message = 'raw message') => new CognitoError(code, message);

describe('describeAuthError', () => {
  it('says the same for a wrong password and an unknown user', () => {
    const expected = 'Incorrect email or password.';
    expect(describeAuthError(cognito('NotAuthorizedException', 'Incorrect username or password.'), 'sign-in')).toBe(expected);
    expect(describeAuthError(cognito('UserNotFoundException'), 'sign-in')).toBe(expected);
    // cognito-local answers a wrong password with InvalidPasswordException.
    expect(describeAuthError(cognito('InvalidPasswordException', 'Invalid password'), 'sign-in')).toBe(expected);
  });

  it('explains a refused new password with the policy Cognito names', () => {
    const message = describeAuthError(
      cognito('InvalidPasswordException', 'Password does not conform to policy: Password must have numeric characters'),
      'new-password',
    );
    expect(message).toBe('Choose a different password: Password must have numeric characters');
  });

  it('names wrong and expired reset codes, throttling and a disabled account', () => {
    expect(describeAuthError(cognito('CodeMismatchException'), 'reset')).toMatch(/code is not correct/);
    expect(describeAuthError(cognito('ExpiredCodeException'), 'reset')).toMatch(/expired/);
    expect(describeAuthError(cognito('LimitExceededException'), 'forgot')).toMatch(/Too many attempts/);
    expect(describeAuthError(cognito('NotAuthorizedException', 'User is disabled.'), 'sign-in')).toMatch(/disabled/);
  });

  it('tells an unreachable service apart from a refusal', () => {
    expect(describeAuthError(new CognitoUnreachableError('offline'), 'sign-in')).toMatch(/could not be reached/);
  });
});
