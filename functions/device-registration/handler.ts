import type { APIGatewayProxyStructuredResultV2 as HttpResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { unregisterDevice } from '../../shared/use-cases/unregister-device.ts';
import { deviceRegistrationRequest, deviceUnregistrationRequest } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { bodyOf, errorResponse, json } from './http.ts';

/**
 * The device registry behind a Function URL with AWS_IAM auth: the app's backend, which knows
 * who the user is, signs the call. POST registers (or refreshes) a device of an app (`app`, the
 * default app when absent), DELETE unregisters it. The user id is taken on trust: any signer
 * may register any user's device, so only the backends (context `registrars`) may sign, after
 * authenticating the user. Tokens are personal data: logs carry the device id only.
 */
export const createDeviceRegistration = (ports: () => HeraldPorts) =>
  observed(
    async (event: LambdaFunctionURLEvent): Promise<HttpResult> => {
      const deps = ports();
      try {
        const method = event.requestContext.http.method;
        if (method === 'POST') {
          const request = parseOrThrow(deviceRegistrationRequest, bodyOf(event), 'body');
          const result = await registerDevice(request, deps);
          logger.info('device registered', { deviceId: result.deviceId, status: result.status });
          return json(200, { deviceId: result.deviceId, status: result.status });
        }
        if (method === 'DELETE') {
          const request = parseOrThrow(deviceUnregistrationRequest, bodyOf(event), 'body');
          const result = await unregisterDevice(request, deps);
          logger.info('device unregistered', { deviceId: request.deviceId, status: result.status });
          return json(200, { deviceId: request.deviceId, status: result.status });
        }
        return json(405, { error: `method: ${method} is not allowed; use POST or DELETE` });
      } catch (error) {
        return errorResponse(error);
      }
    },
    { name: 'device-registration' },
  );

export const handler = meteredInvocation(
  createDeviceRegistration(lambdaPorts),
  overhead('device-registration', lambdaPorts),
);
