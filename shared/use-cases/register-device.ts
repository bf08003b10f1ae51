import type { Clock } from '../domain/clock.ts';
import { type DeviceDirectory, deviceIdOf, type Platform } from '../domain/push/device.ts';
import type { PushGateway } from '../domain/push/push-gateway.ts';

export interface RegisterDeviceDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: PushGateway;
  readonly clock: Clock;
}

export interface DeviceRegistration {
  readonly userId: string;
  readonly platform: Platform;
  readonly token: string;
}

/**
 * Registers a device for a user. The same token is the same device: registering it again
 * refreshes it and re-enables it rather than creating a second endpoint.
 */
export const registerDevice = async (registration: DeviceRegistration, deps: RegisterDeviceDeps) => {
  const { userId, platform, token } = registration;
  const deviceId = await deviceIdOf(platform, token);
  const known = (await deps.devices.devicesOf([userId])).get(userId)?.find((d) => d.deviceId === deviceId);
  const endpointArn = known?.endpointArn ?? (await deps.gateway.createEndpoint(platform, token, userId));
  await deps.devices.save(userId, {
    deviceId,
    platform,
    token,
    endpointArn,
    enabled: true,
    lastSeen: deps.clock.now(),
  });
  return { deviceId, endpointArn, created: known === undefined };
};
