import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimResult, RecipientClaims } from '../../domain/push/claims.ts';
import { isConditionFailure } from './errors.ts';

/** Conditional writes in flight at once for one page of recipients. */
const CONCURRENCY = 16;

/**
 * Claims on DynamoDB: one conditional PutItem per recipient. The condition lets the same owner
 * claim again (a redelivered task) and treats a claim whose TTL passed as absent, since TTL
 * deletes lazily.
 */
export class DynamoDbRecipientClaims implements RecipientClaims {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => Date) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async claim(claims: readonly Claim[], expiresAt: Date): Promise<ClaimResult[]> {
    const results: ClaimResult[] = new Array(claims.length);
    let next = 0;
    const lane = async () => {
      while (next < claims.length) {
        const i = next++;
        results[i] = await this.#claimOne(claims[i]!, expiresAt);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claims.length) }, lane));
    return results;
  }

  async #claimOne(claim: Claim, expiresAt: Date): Promise<ClaimResult> {
    try {
      const out = await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { pk: claim.key, owner: claim.owner, expiresAt: Math.floor(expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR expiresAt <= :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': claim.owner,
            ':now': Math.floor(this.#now().getTime() / 1000),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes?.owner === claim.owner ? 'already-mine' : 'claimed';
    } catch (error) {
      if (isConditionFailure(error)) return 'taken';
      throw error;
    }
  }
}
