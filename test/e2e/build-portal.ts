import { buildPortal } from '../../portal/build.js';

/**
 * Global setup of the stack project, run before the stack starts (the local gateway serves
 * portal/dist only if it exists when the stack starts, and it must be today's build), and of
 * the cdk project (the stack deploys portal/dist).
 */
export default async function setup() {
  await buildPortal();
}
