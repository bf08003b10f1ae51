import type { Clock } from '../domain/clock.ts';
import {
  type Device,
  type DeviceDirectory,
  defaultApp,
  deviceIdOf,
  installationDeviceIdOf,
  type Platform,
} from '../domain/push/device.ts';
import type { PushGateway } from '../domain/push/push-gateway.ts';

export interface RegisterDeviceDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: Pick<PushGateway, 'createEndpoint' | 'endpointState' | 'updateEndpoint'>;
  readonly clock: Clock;
}

export interface DeviceRegistration {
  readonly userId: string;
  /** The app registering (its own platform applications); `defaultApp` when absent. */
  readonly app?: string;
  readonly platform: Platform;
  readonly token: string;
  /** The app's stable id for this installation; lets a rotated token update the same device. */
  readonly installationId?: string;
}

/**
 * `created`: a new device; `unchanged`: the same token again; `updated`: the token changed or a
 * disabled endpoint was enabled again; `recreated`: the endpoint was gone and was made anew.
 */
export type RegistrationStatus = 'created' | 'unchanged' | 'updated' | 'recreated';

export interface RegistrationResult {
  readonly deviceId: string;
  readonly endpointArn: string;
  readonly status: RegistrationStatus;
}

/** Apps register on every start; a known, enabled device seen this recently is not written again. */
const TOUCH_INTERVAL_MS = 86_400_000;

/**
 * Makes sure the SNS endpoint exists, carries the latest token and is enabled, the way SNS
 * recommends: create it when unknown, read its attributes, recreate it when SNS lost it, set
 * Token and Enabled=true when the token differs or the endpoint was disabled.
 */
const ensureEndpoint = async (
  known: Device | undefined,
  registration: DeviceRegistration & { readonly app: string },
  gateway: RegisterDeviceDeps['gateway'],
): Promise<{ endpointArn: string; status: RegistrationStatus }> => {
  const { app, userId, platform, token } = registration;
  const create = () => gateway.createEndpoint(app, platform, token, userId);
  const endpointArn = known?.endpointArn ?? (await create());
  const state = await gateway.endpointState(endpointArn);
  if (!state) return { endpointArn: await create(), status: 'recreated' };
  const stale = state.token !== token || !state.enabled;
  if (stale) await gateway.updateEndpoint(endpointArn, token, userId);
  if (!known) return { endpointArn, status: 'created' };
  return { endpointArn, status: stale || known.token !== token ? 'updated' : 'unchanged' };
};

/**
 * Registers a device for a user. The same token (or the same installation) of the same app is the
 * same device: registering it again refreshes it and re-enables it rather than creating a second
 * endpoint. The user is one user across apps: a device of another app is another device.
 */
export const registerDevice = async (
  registration: DeviceRegistration,
  deps: RegisterDeviceDeps,
): Promise<RegistrationResult> => {
  const { userId, platform, token, installationId } = registration;
  const app = registration.app ?? defaultApp;
  const deviceId = installationId
    ? await installationDeviceIdOf(platform, installationId, app)
    : await deviceIdOf(platform, token, app);
  const devices = (await deps.devices.devicesOf([userId])).get(userId) ?? [];
  const known = devices.find((d) => d.deviceId === deviceId);
  const { endpointArn, status } = await ensureEndpoint(known, { ...registration, app }, deps.gateway);
  const now = deps.clock.now();
  const fresh = known?.enabled && now.getTime() - known.lastSeen.getTime() < TOUCH_INTERVAL_MS;
  if (status === 'unchanged' && fresh) return { deviceId, endpointArn, status };
  const device = { deviceId, app, platform, token, endpointArn, enabled: true, lastSeen: now };
  await deps.devices.save(userId, device);
  // The same phone known under another id (registered before it sent an installation id) would
  // get every push twice through the one endpoint: keep only this record.
  const isTwin = (d: Device) => d.app === app && (d.endpointArn === endpointArn || d.token === token);
  const twins = devices.filter((d) => d.deviceId !== deviceId && isTwin(d));
  for (const twin of twins) await deps.devices.remove(userId, twin.deviceId);
  // A phone passed to another account must stop getting the previous account's pushes.
  const previous = await deps.devices.claimToken(await deviceIdOf(platform, token, app), userId);
  if (previous) {
    const theirs = (await deps.devices.devicesOf([previous])).get(previous) ?? [];
    for (const d of theirs) if (isTwin(d)) await deps.devices.remove(previous, d.deviceId);
  }
  return { deviceId, endpointArn, status };
};
