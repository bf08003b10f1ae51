import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Checksum,
  SourceData,
} from '@smithy/types';
import type { CampaignReply, CampaignRequest } from '../use-cases/campaign-actions.ts';
import { CampaignCallError, type CampaignTransport } from './campaign-transport.ts';

/** SHA-256 (or its HMAC with a key) from node:crypto, as the signer takes it. */
class NodeSha256 implements Checksum {
  readonly #hash;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    throw new Error('not used by the signer');
  }
}
const bytesOf = (data: SourceData): Uint8Array =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** `https://<id>.lambda-url.<region>.on.aws/` names its region; other URLs (a test server) do not. */
export const regionOfUrl = (url: URL): string | undefined =>
  /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1];

/** The region as the SDK finds it: AWS_REGION, then the profile's config file. */
const sdkRegion = async (): Promise<string> => {
  const client = new LambdaClient({});
  try {
    return await client.config.region();
  } catch {
    throw new Error('no AWS region: set AWS_REGION or a region in your AWS profile');
  } finally {
    client.destroy();
  }
};

export interface FunctionUrlOptions {
  readonly url: string;
  /** Default: the SDK's chain (environment, SSO, profiles, instance roles). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default: from the URL's host, else the SDK's configuration. */
  readonly region?: string;
  /** The signing instant; default now. */
  readonly now?: () => Date;
}

const post = (url: URL, headers: Record<string, string>, body: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

/**
 * The deployed campaign function, through its Function URL: each action POSTed as JSON and signed
 * with SigV4 (service `lambda`) with the caller's own credentials, so that IAM authenticates the
 * caller and the function records their principal as `by`.
 */
export const functionUrlCampaigns = async (options: FunctionUrlOptions): Promise<CampaignTransport> => {
  const url = new URL(options.url);
  const region = options.region ?? regionOfUrl(url) ?? (await sdkRegion());
  const signer = new SignatureV4({
    service: 'lambda',
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });
  return {
    target: url.origin,
    send: async (request: CampaignRequest): Promise<CampaignReply> => {
      const body = JSON.stringify(request);
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: { host: url.host, 'content-type': 'application/json' },
          body,
        },
        options.now ? { signingDate: options.now() } : {},
      );
      const { status, text } = await post(url, signed.headers, body);
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw new CampaignCallError(
          status,
          `${url.origin} answered ${status} with no JSON: ${text.slice(0, 200)}`,
        );
      }
      if (status !== 200)
        throw new CampaignCallError(
          status,
          String((answer as { error?: unknown }).error ?? text.slice(0, 200)),
        );
      return answer as CampaignReply;
    },
    close: () => undefined,
  };
};
