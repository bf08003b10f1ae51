import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FunctionUrlAuthType, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { functionSizing } from '../../shared/resources/functions.ts';
import { receiptKeySecret } from '../../shared/resources/secrets.ts';
import { ledgerTable, outcomesTable, tableEnvName } from '../../shared/resources/tables.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import { HeraldFunction } from './herald-function.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface ReceiptsProps {
  /** Herald's tables by id; the receipt function reaches Ledger and Outcomes only. */
  readonly tables: ReadonlyMap<string, ITableV2>;
}

/**
 * Opens and clicks: the key receipt tokens are signed with, and the endpoint apps report
 * receipts to. The endpoint is a Function URL with no IAM auth, because apps call it straight
 * from the device, holding no AWS credentials; the HMAC signature of the token is the
 * authentication, and a refused token costs one HMAC and no table access.
 */
export class Receipts extends Construct implements Monitored {
  readonly monitoring: Monitoring;
  readonly fn: LambdaFunction;
  readonly secret: Secret;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ReceiptsProps) {
    super(scope, id);
    // 64 letters and digits, about 380 random bits; the key is the string's bytes
    // (SecretsManagerReceiptKeys), so nothing has to make or encode raw bytes.
    this.secret = new Secret(this, receiptKeySecret.id, {
      description: 'Herald receipt tokens: HMAC-SHA256 key (the secret string bytes)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The receipt key is Herald own HMAC key, shared with no one. Rotating it refuses every receipt token still out on devices (bad-signature) until they expire, so it is rotated by hand, not on a schedule.',
    });

    const sizing = functionSizing.receipt;
    const tableOf = (tableId: string) => props.tables.get(tableId);
    const tableName = (tableId: string) => {
      const table = tableOf(tableId);
      if (!table) throw new Error(`receipts: no table ${tableId} in this stack`);
      return table.tableName;
    };
    this.fn = new HeraldFunction(this, 'Receipt', {
      entry: 'functions/receipt/handler.ts',
      description: 'Counts opens, clicks and dismissals apps report with a push receipt token',
      timeout: Duration.seconds(sizing.timeoutSeconds),
      memorySize: sizing.memoryMb,
      environment: {
        [tableEnvName(outcomesTable)]: tableName(outcomesTable.id),
        [tableEnvName(ledgerTable)]: tableName(ledgerTable.id),
      },
    }).fn;
    grantTableAccess(this.fn, tableAccess.receipt, tableOf);
    this.grantSigning(this.fn);
    this.fn.addEnvironment(receiptKeySecret.envName, this.secret.secretArn);

    const url = this.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.url = url.url;
    new CfnOutput(this, 'ReceiptUrl', {
      value: url.url,
      description:
        'Receipts: apps POST {"token", "kind": "opened"|"clicked"|"dismissed"}; the token is the auth',
    });
    // Errors and throttles are alarmed by the observability construct, like every function's.
    this.monitoring = { functions: [{ label: 'Receipts', fn: this.fn }] };
  }

  /**
   * Lets `fn` read the receipt key: the delivery worker signs the tokens the receipt function
   * checks. Reading only (GetSecretValue), on this secret only. Where the key is reaches `fn`
   * through its environment (`RECEIPT_KEY_SECRET_ARN`, functions/port-environment.ts).
   */
  grantSigning(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
  }
}
