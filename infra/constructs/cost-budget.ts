import { Stack } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Construct } from 'constructs';
import { APPLICATION, costAllocationTag } from '../cost-allocation.ts';

export interface CostBudgetProps {
  /** The monthly limit, in US dollars. */
  readonly monthlyUsd: number;
  /** Who is e-mailed when the month's cost or its forecast crosses a threshold. */
  readonly email: string;
}

/** Percentages of the limit that e-mail: actual cost past 80% and 100%, the forecast past 100%. */
const thresholds = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'ACTUAL', threshold: 100 },
  { notificationType: 'FORECASTED', threshold: 100 },
] as const;

/**
 * A monthly AWS Budget over Herald's resources only: those tagged `application=herald` (the tag
 * must be activated as a cost allocation tag for the budget to see them).
 */
export class CostBudget extends Construct {
  readonly budget: CfnBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    this.budget = new CfnBudget(this, 'Resource', {
      budget: {
        budgetName: `${Stack.of(this).stackName}-monthly`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:${costAllocationTag.application}$${APPLICATION}`] },
      },
      notificationsWithSubscribers: thresholds.map(({ notificationType, threshold }) => ({
        notification: {
          notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: [{ subscriptionType: 'EMAIL', address: props.email }],
      })),
    });
  }
}
