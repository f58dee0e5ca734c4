import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GROUPS } from '../functions/handlers/routes.js';
import { suppress } from './nag.js';
import { removalPolicyOf } from './stage-config.js';

export interface IdentityProps {
  isDev: boolean;
  /** TOTP: `optional` lets anyone turn it on; `required` makes every sign-in use it. */
  mfa: 'optional' | 'required';
  /** Where approvers sign in; the invitation mail names it. */
  portalUrl: string;
}

/**
 * Who is who: one user pool with the groups of routes.ts, no self sign-up (technicians are
 * created by an operator, approvers by the directory routes), email as the user name.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  /** The approver portal: a browser, so no secret; password (SRP or plain over TLS) and refresh. */
  readonly portalClient: cognito.UserPoolClient;
  /** The helpdesk integration, signing in as a technician. */
  readonly helpdeskClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      // functions/identity/logins.ts creates users with the lowercased email as user name.
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // TOTP only (no SMS: no cost, no SIM swap). Cognito decides MFA per pool, not per group.
      mfa: props.mfa === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      userInvitation: {
        emailSubject: 'Your login for approval requests',
        emailBody: [
          'Hello,',
          '<br><br>You have been listed as an approver: you will receive approval requests by email, and you answer them on the approvals portal:',
          `<br><a href="${props.portalUrl}">${props.portalUrl}</a>`,
          '<br><br>Sign in with your email address {username} and this temporary password: <b>{####}</b>',
          '<br>You will choose your own password at the first sign-in. The temporary password expires in 7 days.',
        ].join(''),
      },
      deletionProtection: !props.isDev,
      removalPolicy: removalPolicyOf(props.isDev),
    });

    for (const group of GROUPS) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `Signoff ${group}` });
    }

    const tokenValidity = {
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      // No hosted UI: both clients sign in through the Cognito API.
      disableOAuth: true,
      // The directory owns email and name (it provisions them); a signed-in user may read
      // them but not change them through the app clients. `locale` is the one thing they may set.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true, locale: true })
        .withCustomAttributes(),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true }),
    } as const;
    this.portalClient = this.userPool.addClient('PortalClient', {
      ...tokenValidity,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
    });
    // No secret either: the helpdesk signs technicians in with their own passwords, the same
    // way as the local stack's client, and a secret shared with every helpdesk install adds
    // little. Refresh is always allowed by Cognito for app clients.
    this.helpdeskClient = this.userPool.addClient('HelpdeskClient', {
      ...tokenValidity,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
    });

    if (props.mfa !== 'required') {
      suppress(this.userPool, [
        {
          id: 'AwsSolutions-COG2',
          reason:
            'TOTP is offered (optional) and required with context mfa=required. Cognito decides MFA per pool, so required also ' +
            'applies to approvers: occasional external users who answer from a mail link, whom an enrolment step would stop.',
        },
      ]);
    }
    suppress(this.userPool, [
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan (threat protection) is billed per monthly active user. Delisting is enforced by the API on every call ' +
          'and tokens live one hour; operators who need adaptive authentication can set featurePlan PLUS.',
      },
    ]);
  }
}
