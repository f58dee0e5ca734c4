#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from '../lib/nag.js';
import { SignoffStack } from '../lib/signoff-stack.js';
import { readStageConfig } from '../lib/stage-config.js';

const app = new App();
const config = readStageConfig(app);
new SignoffStack(app, `Signoff-${config.stage}`, {
  config,
  description: `Signoff (${config.stage}): approval requests for helpdesk tickets`,
  tags: { application: 'signoff', stage: config.stage },
});
// Synthesis fails on any AwsSolutions error that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
