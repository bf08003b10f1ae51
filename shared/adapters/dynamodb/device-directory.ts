import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Device, DeviceDirectory, Platform } from '../../domain/push/device.ts';
import { batchGetByKey } from './batch-get.ts';
import { isConditionFailure } from './errors.ts';

interface StoredDevice {
  platform: Platform;
  token: string;
  endpointArn: string;
  enabled: boolean;
  lastSeen: number;
  disabledReason?: string;
}

const toDevice = (deviceId: string, stored: StoredDevice): Device => ({
  deviceId,
  platform: stored.platform,
  token: stored.token,
  endpointArn: stored.endpointArn,
  enabled: stored.enabled,
  lastSeen: new Date(stored.lastSeen),
  ...(stored.disabledReason ? { disabledReason: stored.disabledReason } : {}),
});

/**
 * Devices on DynamoDB: one item per user holding a map of that user's devices, so a delivery job
 * resolves 100 recipients per BatchGetItem instead of one Query per recipient.
 */
export class DynamoDbDeviceDirectory implements DeviceDirectory {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async devicesOf(userIds: readonly string[]): Promise<Map<string, Device[]>> {
    const items = await batchGetByKey(this.#client, this.#tableName, userIds);
    const devices = new Map<string, Device[]>();
    for (const [userId, item] of items) {
      const stored = (item.devices ?? {}) as Record<string, StoredDevice>;
      devices.set(
        userId,
        Object.entries(stored).map(([id, d]) => toDevice(id, d)),
      );
    }
    return devices;
  }

  async save(userId: string, device: Device): Promise<void> {
    const stored: StoredDevice = {
      platform: device.platform,
      token: device.token,
      endpointArn: device.endpointArn,
      enabled: device.enabled,
      lastSeen: device.lastSeen.getTime(),
      ...(device.disabledReason ? { disabledReason: device.disabledReason } : {}),
    };
    // A nested SET needs the map to exist; the first device of a user creates it instead.
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: 'SET devices.#id = :device',
          ConditionExpression: 'attribute_exists(devices)',
          ExpressionAttributeNames: { '#id': device.deviceId },
          ExpressionAttributeValues: { ':device': stored },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: 'SET devices = if_not_exists(devices, :devices)',
          ExpressionAttributeValues: { ':devices': { [device.deviceId]: stored } },
        }),
      );
      // Another registration may have created the map first; then ours still needs setting.
      await this.save(userId, device);
    }
  }

  async disable(userId: string, deviceId: string, reason: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: 'SET devices.#id.enabled = :false, devices.#id.disabledReason = :reason',
          ConditionExpression: 'attribute_exists(devices.#id)',
          ExpressionAttributeNames: { '#id': deviceId },
          ExpressionAttributeValues: { ':false': false, ':reason': reason },
        }),
      );
    } catch (error) {
      // The device was unregistered meanwhile: nothing left to disable.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
