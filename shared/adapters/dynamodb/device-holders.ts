import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DeviceHolder, DeviceHolders } from '../../domain/campaigns/audience.ts';
import type { ScanSegment } from '../../domain/push/device.ts';
import { devicesOfItem } from './device-directory.ts';

/**
 * A campaign segment's readers on the Devices table: one parallel Scan segment each, a page at a
 * time, resuming after the last user read (a Scan accepts any item's key as its start). Token
 * items (`token#...`) hold no devices and are left out by the filter. A scan reads every item
 * once, about 0.5 read units per 4 KB: the price of a segment over users, paid per campaign run.
 */
export class DynamoDbDeviceHolders implements DeviceHolders {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async holders(segment: ScanSegment, after: string | undefined, limit: number) {
    const out = await this.#client.send(
      new ScanCommand({
        TableName: this.#tableName,
        Segment: segment.index,
        TotalSegments: segment.total,
        Limit: limit,
        FilterExpression: 'attribute_exists(devices)',
        ProjectionExpression: 'pk, devices',
        ...(after === undefined ? {} : { ExclusiveStartKey: { pk: after } }),
      }),
    );
    const holders: DeviceHolder[] = (out.Items ?? []).map((item) => ({
      userId: String(item.pk),
      devices: devicesOfItem(item),
    }));
    const next = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.pk) : undefined;
    return next === undefined ? { holders } : { holders, next };
  }

  async approximateCount(): Promise<number> {
    const out = await this.#client.send(new DescribeTableCommand({ TableName: this.#tableName }));
    return out.Table?.ItemCount ?? 0;
  }
}
