import { createHash } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient, type Target } from '@aws-sdk/client-scheduler';

/** Schedule names allow 64 characters of [0-9a-zA-Z-_.]; a hash of what the schedule is for fits and repeats. */
export const scheduleName = (prefix: string, of: string) =>
  `${prefix}-${createHash('sha256').update(of).digest('hex').slice(0, 40)}`;

/**
 * A schedule that fires once at `at` (UTC) and deletes itself. Asking twice under the same name
 * (a redelivered task, a retried launch) is refused by Scheduler as a conflict: the schedule
 * exists already, which is what was asked.
 */
export const scheduleOnce = async (
  client: SchedulerClient,
  schedule: { readonly name: string; readonly groupName: string; readonly at: Date; readonly target: Target },
): Promise<void> => {
  try {
    await client.send(
      new CreateScheduleCommand({
        Name: schedule.name,
        GroupName: schedule.groupName,
        // `at()` takes a UTC wall time without zone or fraction.
        ScheduleExpression: `at(${schedule.at.toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: schedule.target,
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConflictException')) throw error;
  }
};
