/** The shape of `.signoff/local.json`: what tests, scripts and tools read instead of guessing ports. */
export interface DemoAccount {
  email: string;
  password: string;
}

export interface DemoApprover extends DemoAccount {
  approverId: string;
  kind: 'user' | 'contact';
  name: string;
}

export interface LocalInfo {
  apiUrl: string;
  portalUrl: string;
  region: string;
  dynamodb: { endpoint: string; tableName: string };
  cognito: { endpoint: string; userPoolId: string; clientId: string; helpdeskClientId: string };
  ses: { endpoint: string; storeUrl: string; viewerUrl: string };
  /** The webhook inbox (page and JSON) and the demo endpoint registered to it. */
  webhooks: { inboxUrl: string; deliveriesUrl: string; demoWebhookId: string };
  demo: { technician: DemoAccount & { name: string }; approvers: DemoApprover[] };
}
