import type {
  APIGatewayProxyStructuredResultV2 as HttpResult,
  LambdaFunctionURLEventWithIAMAuthorizer as SignedRequest,
} from 'aws-lambda';
import { CampaignStateError } from '../../shared/domain/campaigns/lifecycle.ts';
import {
  CampaignChangedError,
  CampaignExistsError,
  UnknownCampaignError,
} from '../../shared/domain/campaigns/store.ts';
import { HeraldError, ValidationError } from '../../shared/domain/errors.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import {
  type CampaignReply,
  campaignActionDeps,
  runCampaignAction,
} from '../../shared/use-cases/campaign-actions.ts';
import { campaignRequest } from '../contracts.ts';
import { bodyOf, json } from '../device-registration/http.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** Errors become HTTP here only: the caller's to fix (400, naming the field), no such campaign, or a state conflict. */
const errorResponse = (error: unknown): HttpResult => {
  if (error instanceof UnknownCampaignError) return json(404, { error: error.message });
  if (
    error instanceof CampaignStateError ||
    error instanceof CampaignExistsError ||
    error instanceof CampaignChangedError
  )
    return json(409, { error: error.message });
  if (error instanceof HeraldError) return json(400, { error: error.message });
  logger.error('campaign action failed', { error: error as Error });
  return json(500, { error: 'internal error' });
};

const fromFunctionUrl = (event: unknown): event is SignedRequest =>
  typeof event === 'object' && event !== null && 'requestContext' in event;

/**
 * Scheduler invokes the function directly (asynchronously) with `{"action": "launch",
 * "campaignId"}`. A direct invocation names no caller, so it may only launch a run that is due:
 * every action of ops comes through the Function URL, where IAM has authenticated the caller.
 * Failures throw: Lambda retries the invocation twice, then sends it to the launch dead-letter
 * queue (the function's on-failure destination), where Scheduler also sends what it could not invoke.
 */
const launchFromScheduler = async (event: unknown, deps: HeraldPorts): Promise<CampaignReply> => {
  const request = parseOrThrow(campaignRequest, event, 'input');
  if (request.action !== 'launch')
    throw new ValidationError('input.action', 'only "launch" is invoked directly; ops call the Function URL');
  return runCampaignAction(request, 'scheduler', campaignActionDeps(deps));
};

/**
 * The campaign function behind a Function URL with AWS_IAM auth: ops POST an action, and the
 * principal IAM authenticated (`requestContext.authorizer.iam.userArn`) is recorded as `by`.
 */
export const createCampaignHandler = (ports: () => HeraldPorts) =>
  observed(
    async (event: unknown): Promise<HttpResult | CampaignReply> => {
      if (!fromFunctionUrl(event)) return launchFromScheduler(event, ports());
      try {
        const method = event.requestContext.http.method;
        if (method !== 'POST') return json(405, { error: `method: ${method} is not allowed; use POST` });
        const by = event.requestContext.authorizer?.iam?.userArn as string | undefined;
        if (!by)
          return json(403, { error: 'caller: the request names no IAM principal; sign it with SigV4' });
        const request = parseOrThrow(campaignRequest, bodyOf(event), 'body');
        const reply = await runCampaignAction(request, by, campaignActionDeps(ports()));
        logger.info('campaign action', { action: request.action, by });
        return json(200, reply);
      } catch (error) {
        return errorResponse(error);
      }
    },
    { name: 'campaign' },
  );

export const handler = meteredInvocation(
  createCampaignHandler(lambdaPorts),
  overhead('campaigns', lambdaPorts),
);
