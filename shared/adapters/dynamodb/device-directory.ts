import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Device,
  DeviceDirectory,
  Platform,
  ScanSegment,
  StaleCandidate,
} from '../../domain/push/device.ts';
import { defaultApp, tokenKeyPrefix } from '../../domain/push/device.ts';
import { batchGetByKey } from './batch-get.ts';
import { isConditionFailure } from './errors.ts';

interface StoredDevice {
  /** Absent on the default app's devices, and on every device stored before apps existed. */
  app?: string;
  platform: Platform;
  token: string;
  endpointArn: string;
  enabled: boolean;
  lastSeen: number;
  disabledReason?: string;
}

const toDevice = (deviceId: string, stored: StoredDevice): Device => ({
  deviceId,
  app: stored.app ?? defaultApp,
  platform: stored.platform,
  token: stored.token,
  endpointArn: stored.endpointArn,
  enabled: stored.enabled,
  lastSeen: new Date(stored.lastSeen),
  ...(stored.disabledReason ? { disabledReason: stored.disabledReason } : {}),
});

const toStored = (device: Device): StoredDevice => ({
  // The default app's devices are stored as before apps existed: one shape for old and new.
  ...(device.app === defaultApp ? {} : { app: device.app }),
  platform: device.platform,
  token: device.token,
  endpointArn: device.endpointArn,
  enabled: device.enabled,
  lastSeen: device.lastSeen.getTime(),
  ...(device.disabledReason ? { disabledReason: device.disabledReason } : {}),
});

/** The devices of one stored user item; the segment reader (device-holders.ts) reads the same items. */
export const devicesOfItem = (item: Record<string, unknown>): Device[] =>
  Object.entries((item.devices ?? {}) as Record<string, StoredDevice>).map(([id, d]) => toDevice(id, d));

/**
 * Devices on DynamoDB: one item per user holding a map of that user's devices, so a delivery job
 * resolves 100 recipients per BatchGetItem instead of one Query per recipient.
 *
 * Purging: each item carries `oldestSeen`, a lower bound of its devices' `lastSeen`, and the
 * purge scans the table with a filter on it. We chose a scan over an index: a purge runs once a
 * day and a scan reads the table once (about a dollar a day per 50 GB, on demand), whereas an
 * index on last-seen time would cost a second write on every registration, the hot path (every
 * app start). The bound needs no read to keep: a registration stamps the current time, which can
 * never lower the minimum, so `if_not_exists` keeps the old bound; the purge sets it exactly.
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
    for (const [userId, item] of items) devices.set(userId, devicesOfItem(item));
    return devices;
  }

  async save(userId: string, device: Device): Promise<void> {
    const stored = toStored(device);
    // A nested SET needs the map to exist: one request for a known user, two for a new one.
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: 'SET devices.#id = :device, oldestSeen = if_not_exists(oldestSeen, :seen)',
          ConditionExpression: 'attribute_exists(devices)',
          ExpressionAttributeNames: { '#id': device.deviceId },
          ExpressionAttributeValues: { ':device': stored, ':seen': stored.lastSeen },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: { pk: userId },
            UpdateExpression: 'SET devices = :devices, oldestSeen = :seen',
            ConditionExpression: 'attribute_not_exists(devices)',
            ExpressionAttributeValues: {
              ':devices': { [device.deviceId]: stored },
              ':seen': stored.lastSeen,
            },
          }),
        );
      } catch (raced) {
        // Another registration created the map first; ours now goes in as a nested SET.
        if (!isConditionFailure(raced)) throw raced;
        await this.save(userId, device);
      }
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

  async remove(userId: string, deviceId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: 'REMOVE devices.#id',
          ConditionExpression: 'attribute_exists(devices)',
          ExpressionAttributeNames: { '#id': deviceId },
        }),
      );
    } catch (error) {
      // No item for this user: the device is already gone.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claimToken(tokenDeviceId: string, userId: string): Promise<string | undefined> {
    // Token items live beside the users' items, under a key no user id can take (see contracts).
    const out = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: `${tokenKeyPrefix}${tokenDeviceId}` },
        UpdateExpression: 'SET #owner = :user',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':user': userId },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const previous = out.Attributes?.owner as string | undefined;
    return previous !== undefined && previous !== userId ? previous : undefined;
  }

  async *staleCandidates(cutoff: Date, segment: ScanSegment): AsyncIterable<StaleCandidate[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          Segment: segment.index,
          TotalSegments: segment.total,
          FilterExpression: 'oldestSeen < :cutoff',
          ProjectionExpression: 'pk, devices',
          ExpressionAttributeValues: { ':cutoff': cutoff.getTime() },
          ExclusiveStartKey: start,
        }),
      );
      const page = (out.Items ?? []).map((item) => ({
        userId: String(item.pk),
        devices: devicesOfItem(item),
      }));
      if (page.length > 0) yield page;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async removeStale(userId: string, remove: readonly Device[], keep: readonly Device[]): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':count': remove.length + keep.length };
    const conditions = ['size(devices) = :count'];
    remove.forEach((device, i) => {
      names[`#r${i}`] = device.deviceId;
      values[`:seen${i}`] = device.lastSeen.getTime();
      conditions.push(`devices.#r${i}.lastSeen = :seen${i}`);
    });
    const removals = remove.map((_, i) => `devices.#r${i}`);
    let update: string;
    if (keep.length > 0) {
      values[':oldest'] = Math.min(...keep.map((d) => d.lastSeen.getTime()));
      update = `SET oldestSeen = :oldest${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`;
    } else {
      // No device left: drop the bound too, so the scan stops returning the user.
      update = `REMOVE ${[...removals, 'oldestSeen'].join(', ')}`;
    }
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: userId },
          UpdateExpression: update,
          ConditionExpression: conditions.join(' AND '),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
