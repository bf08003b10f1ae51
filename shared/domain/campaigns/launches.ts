/**
 * Port: runs of campaigns started later. On AWS a one-time EventBridge Scheduler schedule invokes
 * the campaign function's `launch`; locally the runtime launches when its clock gets there. A
 * recurring campaign asks for its next run each time one launches.
 */
export interface CampaignLaunches {
  schedule(campaignId: string, at: Date): Promise<void>;
}
