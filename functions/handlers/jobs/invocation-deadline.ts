import type { Context } from 'aws-lambda';

/**
 * When this invocation ends (epoch ms), from Lambda's context: the jobs start no work that could
 * still run then. None without a context (a direct call, the local stack's schedule).
 */
export const invocationDeadline = (context?: Partial<Pick<Context, 'getRemainingTimeInMillis'>>): { deadline?: number } => {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? {} : { deadline: Date.now() + remaining };
};
