import type { ActionBus } from './domain/actions/action-event.ts';
import type { FanoutProgress, JobOutbox } from './domain/audience/fanout-progress.ts';
import type { FanoutTask } from './domain/audience/fanout-task.ts';
import type { DeviceHolders, UserLists } from './domain/campaigns/audience.ts';
import type { CampaignLaunches } from './domain/campaigns/launches.ts';
import type { CampaignStore } from './domain/campaigns/store.ts';
import type { Clock } from './domain/clock.ts';
import type { CostLedger } from './domain/costs/usage-counters.ts';
import type { MessageLog } from './domain/engagement/message-log.ts';
import type { ReceiptSigner } from './domain/engagement/receipt.ts';
import type { FatiguePolicy } from './domain/fatigue/policy.ts';
import type { FatigueLedger } from './domain/fatigue/reservation.ts';
import type { OutcomeLedger } from './domain/outcomes/outcome.ts';
import type { Redelivery, RejectedEvents, WorkQueue } from './domain/ports.ts';
import type { DeliveryJob } from './domain/push/delivery-job.ts';
import type { DeliveryProgress } from './domain/push/delivery-progress.ts';
import type { DeviceDirectory } from './domain/push/device.ts';
import type { HoldScheduler } from './domain/push/hold-scheduler.ts';
import type { PushGateway } from './domain/push/push-gateway.ts';
import type { RecipeCatalog } from './domain/recipes/recipe.ts';
import type { RelationStore } from './domain/relations/relation.ts';
import type { UserDirectory } from './domain/users/user.ts';

/**
 * Every port the use cases need, as one bag the handlers receive. AWS builds it from the
 * environment; the local runtime builds it on local engines; tests build what they need.
 */
export interface HeraldPorts {
  readonly catalog: RecipeCatalog;
  readonly policy: FatiguePolicy;
  readonly clock: Clock;
  readonly relations: RelationStore;
  readonly users: UserDirectory;
  readonly devices: DeviceDirectory;
  readonly fatigue: FatigueLedger;
  readonly outcomes: OutcomeLedger;
  readonly fanoutProgress: FanoutProgress;
  readonly outbox: JobOutbox;
  readonly fanout: WorkQueue<FanoutTask>;
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly holds: HoldScheduler;
  readonly rejected: RejectedEvents;
  readonly fanoutDeadLetters: RejectedEvents;
  readonly deliveryDeadLetters: RejectedEvents;
  /** Brings a message a worker hands back sooner than its queue's visibility timeout. */
  readonly redelivery: Redelivery;
  readonly deliveryProgress: DeliveryProgress;
  readonly gateway: PushGateway;
  /** Where emit recipes put their events: Herald's own bus. */
  readonly actions: ActionBus;
  /** Every step of every message, in batches (Firehose on AWS, NDJSON files locally). */
  readonly messageLog: MessageLog;
  /** Signs the receipt token every push carries. */
  readonly receipts: ReceiptSigner;
  /** Usage counters for cost reports: overhead lines, and reading everything back. */
  readonly costs?: CostLedger;
  /** Campaigns and their state; a deployment without campaigns has none. */
  readonly campaigns?: CampaignStore;
  /** Users holding devices, read by Scan segment: campaign segments. */
  readonly deviceHolders?: DeviceHolders;
  /** Uploaded lists of user ids (S3 on AWS, files locally): campaign lists. */
  readonly userLists?: UserLists;
  /** Campaign runs to launch later (EventBridge Scheduler on AWS, the runtime's clock locally). */
  readonly launches?: CampaignLaunches;
}
