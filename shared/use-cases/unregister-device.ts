import type { DeviceDirectory } from '../domain/push/device.ts';
import type { PushGateway } from '../domain/push/push-gateway.ts';

export interface UnregisterDeviceDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: Pick<PushGateway, 'deleteEndpoint'>;
}

export interface DeviceUnregistration {
  readonly userId: string;
  readonly deviceId: string;
}

/**
 * Unregisters a device (the user signed out, or the app was told to stop pushing): removes it
 * from the user, then deletes its SNS endpoint. In that order, because a crash in between leaves
 * only an idle endpoint, which SNS hands back if the token ever registers again; the other order
 * could leave a device that points at a deleted endpoint.
 */
export const unregisterDevice = async (
  request: DeviceUnregistration,
  deps: UnregisterDeviceDeps,
): Promise<{ readonly status: 'removed' | 'absent' }> => {
  const devices = (await deps.devices.devicesOf([request.userId])).get(request.userId) ?? [];
  const device = devices.find((d) => d.deviceId === request.deviceId);
  if (!device) return { status: 'absent' };
  await deps.devices.remove(request.userId, device.deviceId);
  await deps.gateway.deleteEndpoint(device.endpointArn);
  return { status: 'removed' };
};
