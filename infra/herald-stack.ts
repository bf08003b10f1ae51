import { Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { envName, platformApplicationVariables } from '../functions/port-environment.ts';
import { defaultPolicy } from '../shared/domain/fatigue/policy.ts';
import type { Platform } from '../shared/domain/push/device.ts';
import { marketplaceSetFiles } from '../shared/domain/recipes/default-catalog.ts';
import type { RecipeSetFiles } from '../shared/domain/recipes/recipe-set.ts';
import { recipeSetCatalog } from '../shared/domain/recipes/recipe-set-catalog.ts';
import { conversionRules } from '../shared/domain/routing/bus-rules.ts';
import { type TableDefinition, tableEnvName, tables } from '../shared/resources/tables.ts';
import { acknowledgeDesignedFindings } from './acknowledged-findings.ts';
import { appApplications, applicationArnsOf, checkRecipeApps } from './apps.ts';
import { BusAccess } from './constructs/bus-access.ts';
import { Campaigns } from './constructs/campaigns.ts';
import { Canary } from './constructs/canary.ts';
import { ContractRegistry } from './constructs/contract-registry.ts';
import { CostBudget, type CostBudgetProps } from './constructs/cost-budget.ts';
import { Delivery } from './constructs/delivery.ts';
import { DeviceRegistry, endpointArnsOf } from './constructs/device-registry.ts';
import { busNameOf, EventRouting } from './constructs/event-routing.ts';
import { FailedEvents } from './constructs/failed-events.ts';
import { Fanout } from './constructs/fanout.ts';
import { RECIPE_SET_CONTEXT } from './constructs/herald-function.ts';
import { MessageLog } from './constructs/message-log.ts';
import { Observability } from './constructs/observability.ts';
import { Receipts } from './constructs/receipts.ts';
import { RelationIngestion } from './constructs/relation-ingestion.ts';
import { tagForCostAllocation } from './cost-allocation.ts';
import { FunctionEnvironment } from './function-environment.ts';
import type { Publisher } from './publishers.ts';

export interface HeraldStackProps extends StackProps {
  readonly tables: ReadonlyMap<string, TableV2>;
  /** The default app's SNS platform applications by platform; a platform left out cannot register devices. */
  readonly platformApplicationArns: Readonly<Partial<Record<Platform, string>>>;
  /** The recipe set deployed (rules, contracts, channels); the marketplace set when absent. */
  readonly recipeSet?: RecipeSetFiles;
  /** Every other app's platform applications, by app id (`shop`); each app's devices use its own. */
  readonly apps?: Readonly<Record<string, Readonly<Partial<Record<Platform, string>>>>>;
  /** Who may put which sources on the bus; absent or empty, the bus has no resource policy. */
  readonly publishers?: readonly Publisher[];
  /** Roles of the app backends the registration URL lets in (they authenticate the users they register). */
  readonly registrars?: readonly string[];
  /** Devices whose app has not registered for this many days are purged (default 90). */
  readonly deviceMaxAgeDays?: number;
  /** Alarm notifications are e-mailed here when given. */
  readonly alarmEmail?: string;
  /** The canary device's SNS endpoint: given, a canary ping goes through Herald every 5 minutes. */
  readonly canaryEndpointArn?: string;
  /** A monthly AWS Budget over Herald's resources, e-mailing `email` as the cost nears the limit. */
  readonly budget?: CostBudgetProps;
  /** The S3 bucket campaign lists are uploaded to; absent, list audiences cannot be read. */
  readonly campaignListsBucket?: string;
}

/**
 * Herald's serverless pipeline, composed of one construct per stage: where failed events end,
 * delivery (with quiet-hour holds), fan-out (with the planner), relation ingestion, the device
 * registry, the bus and its rules, the canary, and the observability watching them all. Each
 * stage grants its own functions what they use; each function gets only its ports' variables.
 */
export class HeraldStack extends Stack {
  readonly bus: EventBus;
  readonly functions: Readonly<
    Record<
      | 'relationWriter'
      | 'planner'
      | 'fanoutWorker'
      | 'deliveryWorker'
      | 'deviceRegistration'
      | 'devicePurge'
      | 'campaign',
      IFunction
    >
  >;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: HeraldStackProps) {
    super(scope, id, props);
    // Checked here, so a broken set fails the synth with every problem named, not a cold start.
    const recipeSet = props.recipeSet ?? marketplaceSetFiles();
    const { catalog } = recipeSetCatalog(recipeSet, defaultPolicy);
    // Before any child exists: every function bundles the set (HeraldFunction).
    this.node.setContext(RECIPE_SET_CONTEXT, JSON.stringify(recipeSet));
    const apps = appApplications(props.platformApplicationArns, props.apps);
    checkRecipeApps(catalog, apps);
    const applicationArns = applicationArnsOf(apps);
    const environment = new FunctionEnvironment()
      .provide(tableNames(props.tables))
      .provide(platformApplicationVariables(apps));
    const stage = { environment, tables: props.tables };
    // The message log and the receipt key come first: the workers' environment names them.
    const messageLog = new MessageLog(this, 'MessageLog');
    const receipts = new Receipts(this, 'Receipts', {
      tables: props.tables,
      messageLogStream: messageLog.stream.deliveryStreamName,
    });
    environment.provide({
      [envName.messageLogStream]: messageLog.stream.deliveryStreamName,
      [envName.receiptKeySecretArn]: receipts.secret.secretArn,
      // Emit actions put their events on Herald's own bus, built below with the rules.
      [envName.eventBusName]: busNameOf(this),
    });

    const failed = new FailedEvents(this, 'FailedEvents', { environment });
    const delivery = new Delivery(this, 'Delivery', {
      ...stage,
      platformApplicationArns: applicationArns,
      ...(props.canaryEndpointArn ? { canaryEndpointArn: props.canaryEndpointArn } : {}),
    });
    const fanout = new Fanout(this, 'Fanout', {
      ...stage,
      delivery,
      ...failed.queues,
      ...(props.canaryEndpointArn ? { canaryEndpointArn: props.canaryEndpointArn } : {}),
    });
    const relations = new RelationIngestion(this, 'Relations', { ...stage, ...failed.queues });
    const devices = new DeviceRegistry(this, 'Devices', {
      ...stage,
      platformApplicationArns: applicationArns,
      deviceMaxAgeDays: props.deviceMaxAgeDays ?? 90,
      registrars: props.registrars ?? [],
      undeliverable: failed.undeliverable,
    });
    const campaigns = new Campaigns(this, 'Campaigns', {
      ...stage,
      fanoutQueue: fanout.queue,
      delivery,
      ...(props.campaignListsBucket ? { listsBucket: props.campaignListsBucket } : {}),
      listReaders: [fanout.worker],
    });
    const routing = new EventRouting(this, 'Routing', {
      catalog,
      planner: fanout.planner,
      relationWriter: relations.writer,
      ...failed.queues,
    });
    new BusAccess(this, 'BusAccess', { bus: routing.bus, publishers: props.publishers ?? [] });
    if (props.canaryEndpointArn) new Canary(this, 'Canary', { bus: routing.bus });
    routing.bus.grantPutEventsTo(delivery.worker);
    messageLog.grantAppend(fanout.planner);
    messageLog.grantAppend(fanout.worker);
    messageLog.grantAppend(delivery.worker);
    messageLog.grantAppend(receipts.fn);
    receipts.grantSigning(delivery.worker);
    messageLog.routeConversions(routing.bus, conversionRules(catalog));
    new ContractRegistry(this, 'Contracts', { contracts: catalog.contracts });
    this.observability = new Observability(this, 'Observability', {
      parts: [failed, delivery, fanout, relations, devices, receipts, campaigns],
      tables: props.tables,
      platformApplicationArns: applicationArns,
      canary: Boolean(props.canaryEndpointArn),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    if (props.budget) new CostBudget(this, 'Budget', props.budget);
    tagForCostAllocation(this);

    this.bus = routing.bus;
    this.functions = {
      relationWriter: relations.writer,
      planner: fanout.planner,
      fanoutWorker: fanout.worker,
      deliveryWorker: delivery.worker,
      deviceRegistration: devices.registration,
      devicePurge: devices.purge,
      campaign: campaigns.fn,
    };
    acknowledgeDesignedFindings(this, {
      endpointArns: endpointArnsOf(applicationArns),
      holdGroupName: delivery.holdGroupName,
      launchGroupName: campaigns.launchGroupName,
      ...(props.campaignListsBucket ? { listsBucket: props.campaignListsBucket } : {}),
      terminalQueues: [failed.rejected, failed.undeliverable, campaigns.launchDeadLetters],
    });
  }
}

/** Each table's name, under the variable its ports read. */
const tableNames = (byId: ReadonlyMap<string, TableV2>) =>
  Object.fromEntries(
    tables.map((definition: TableDefinition) => [
      tableEnvName(definition),
      byId.get(definition.id)!.tableName,
    ]),
  );
