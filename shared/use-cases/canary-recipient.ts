import { defaultApp, type Platform } from '../domain/push/device.ts';
import { CANARY_RELATION, CANARY_TARGET, CANARY_USER_ID } from '../domain/recipes/canary.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { type RegisterDeviceDeps, registerDevice } from './register-device.ts';

/**
 * The canary's device: a token registered like any app's (the simulator's canary phone), or an
 * SNS platform endpoint that operations created once for a real test device.
 */
export type CanaryDevice =
  | { readonly platform: Platform; readonly token: string }
  | { readonly endpointArn: string };

export interface CanaryRecipientDeps extends RegisterDeviceDeps {
  readonly relations: RelationStore;
}

/** SNS names the platform in an endpoint's ARN: `...:endpoint/APNS/app/uuid`, with GCM for FCM. */
const platformOfEndpoint = (endpointArn: string): Platform => {
  const platform = /:endpoint\/([A-Z_]+)\//.exec(endpointArn)?.[1];
  if (platform === 'APNS' || platform === 'APNS_SANDBOX') return platform;
  return 'FCM';
};

/**
 * Makes the canary user the canary's audience: the relation `canary` to `herald`, dated at the
 * epoch (so a removal made on purpose stays removed), and the device. Safe to repeat: relation
 * writes and registrations are idempotent.
 */
export const ensureCanaryRecipient = async (
  device: CanaryDevice,
  deps: CanaryRecipientDeps,
): Promise<void> => {
  await deps.relations.apply({
    kind: 'put',
    relation: { type: CANARY_RELATION, from: CANARY_USER_ID, to: CANARY_TARGET, since: new Date(0) },
  });
  if ('token' in device) {
    await registerDevice({ userId: CANARY_USER_ID, platform: device.platform, token: device.token }, deps);
    return;
  }
  const state = await deps.gateway.endpointState(device.endpointArn);
  await deps.devices.save(CANARY_USER_ID, {
    deviceId: 'canary',
    app: defaultApp,
    platform: platformOfEndpoint(device.endpointArn),
    token: state?.token ?? '',
    endpointArn: device.endpointArn,
    enabled: true,
    lastSeen: deps.clock.now(),
  });
};
