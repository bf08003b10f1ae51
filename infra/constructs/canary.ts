import { Duration, Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { EventBridgePutEvents } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

/** The event the canary schedule puts on the bus; the canary's code path expects exactly this. */
export const canaryEvent = { source: 'herald.canary', detailType: 'CanaryPing' } as const;

/** How often the canary runs; the canary alarm's period matches it. */
export const CANARY_INTERVAL = Duration.minutes(5);

export interface CanaryProps {
  /** Herald's bus: the ping goes the whole way from there to the canary device. */
  readonly bus: IEventBus;
}

/**
 * The canary: every five minutes an EventBridge Scheduler schedule puts a `CanaryPing` on
 * Herald's bus, stamped with the schedule's time. Herald delivers it to the canary device and
 * records the event-to-push latency (`CanaryLatencyMs`); the canary alarm watches that metric.
 */
export class Canary extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const role = new Role(this, 'SchedulerRole', {
      // Only this account's schedules may use the role (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler put the canary ping on the Herald bus',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Puts a canary ping on the Herald bus; its push measures event-to-push latency',
      schedule: ScheduleExpression.rate(CANARY_INTERVAL),
      target: new EventBridgePutEvents(
        {
          eventBus: props.bus,
          source: canaryEvent.source,
          detailType: canaryEvent.detailType,
          detail: ScheduleTargetInput.fromObject({ sentAt: ContextAttribute.scheduledTime }),
        },
        // A late ping would measure the retry, not Herald: the next one comes in five minutes.
        { role, retryAttempts: 0, maxEventAge: Duration.minutes(1) },
      ),
    });
  }
}
