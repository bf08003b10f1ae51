import type { CampaignReply, CampaignRequest } from '../use-cases/campaign-actions.ts';

/** Where `herald campaign` sends its actions: the running local runtime, or the deployed function's URL. */
export interface CampaignTransport {
  /** What the commands talk to, for messages. */
  readonly target: string;
  send(request: CampaignRequest): Promise<CampaignReply>;
  close(): void;
}

/** The campaign function refused or failed an action: its HTTP status and its message. */
export class CampaignCallError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'CampaignCallError';
    this.status = status;
  }
}
