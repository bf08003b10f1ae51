import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ArnPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '../function-environment.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import { HeraldFunction } from './herald-function.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface DeviceRegistryProps {
  /** Each function gets the variables of the ports it uses: the Devices table, the applications. */
  readonly environment: FunctionEnvironment;
  /** Herald's tables by id; each function reaches only those its access list names. */
  readonly tables: ReadonlyMap<string, TableV2>;
  /** SNS platform applications (APNs, FCM) the registry may create endpoints in. */
  readonly platformApplicationArns: readonly string[];
  /** Devices whose app has not registered for this many days are purged. */
  readonly deviceMaxAgeDays: number;
  /** Where a purge invocation the scheduler could not make is kept. */
  readonly undeliverable: IQueue;
  /**
   * The roles of the apps' backends, let in by the registration function's resource policy (what
   * a backend in another account needs; one in Herald's account may use an identity policy instead).
   */
  readonly registrars?: readonly string[];
}

/** Endpoints of a platform application: `...:app/APNS/herald` owns `...:endpoint/APNS/herald/*`. */
export const endpointArnsOf = (applicationArns: readonly string[]): string[] =>
  applicationArns.map((arn) => `${arn.replace(':app/', ':endpoint/')}/*`);

/**
 * The device registry: a registration function behind a Function URL with AWS_IAM auth (the
 * app's backend signs each call), and a purge run once a day. Each may touch only the Devices
 * table and the endpoints of Herald's own platform applications.
 *
 * Trust boundary: registration believes the `userId` it is given. Whoever may sign a call may
 * register any device for any user, and so receive that user's pushes. Only the apps' backends
 * should hold the permission (`registrars`), each after authenticating the user it names; never
 * the app itself (a Cognito identity pool role, keys shipped in the app), which could name anyone.
 */
export class DeviceRegistry extends Construct implements Monitored {
  readonly registration: IFunction;
  readonly purge: IFunction;
  readonly url: string;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: DeviceRegistryProps) {
    super(scope, id);
    const registration = new HeraldFunction(this, 'Registration', {
      entry: 'functions/device-registration/handler.ts',
      description: 'Registers and unregisters devices (SNS platform endpoints)',
      timeout: Duration.seconds(10),
      environment: props.environment.of('deviceRegistration'),
    }).fn;
    this.registration = registration;
    this.purge = new HeraldFunction(this, 'Purge', {
      entry: 'functions/device-purge/handler.ts',
      description: 'Purges devices unseen for the configured time, and their endpoints',
      timeout: Duration.minutes(15),
      environment: props.environment.of('devicePurge', {
        DEVICE_MAX_AGE_DAYS: String(props.deviceMaxAgeDays),
      }),
    }).fn;

    const tableOf = (tableId: string) => props.tables.get(tableId);
    grantTableAccess(this.registration, tableAccess.deviceRegistration, tableOf);
    grantTableAccess(this.purge, tableAccess.devicePurge, tableOf);
    const endpoints = endpointArnsOf(props.platformApplicationArns);
    if (props.platformApplicationArns.length > 0) {
      this.registration.addToRolePolicy(
        new PolicyStatement({
          actions: ['sns:CreatePlatformEndpoint'],
          resources: [...props.platformApplicationArns],
        }),
      );
      this.registration.addToRolePolicy(
        new PolicyStatement({
          actions: ['sns:GetEndpointAttributes', 'sns:SetEndpointAttributes', 'sns:DeleteEndpoint'],
          resources: endpoints,
        }),
      );
      this.purge.addToRolePolicy(
        new PolicyStatement({ actions: ['sns:DeleteEndpoint'], resources: endpoints }),
      );
    }

    const url = registration.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    // A signed URL call needs both actions; the second only through the URL, not a direct invoke.
    (props.registrars ?? []).forEach((role, i) => {
      const principal = new ArnPrincipal(role);
      registration.addPermission(`Registrar${i}Url`, {
        principal,
        action: 'lambda:InvokeFunctionUrl',
        functionUrlAuthType: FunctionUrlAuthType.AWS_IAM,
      });
      registration.addPermission(`Registrar${i}Invoke`, {
        principal,
        action: 'lambda:InvokeFunction',
        invokedViaFunctionUrl: true,
      });
    });
    this.url = url.url;
    new CfnOutput(this, 'RegistrationUrl', {
      value: url.url,
      description: 'Device registration: POST to register, DELETE to unregister; SigV4-signed (AWS_IAM)',
    });

    new Rule(this, 'PurgeSchedule', {
      description: 'Purges stale devices once a day',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(this.purge, { deadLetterQueue: props.undeliverable, retryAttempts: 2 })],
    });

    this.monitoring = {
      functions: [
        { label: 'Device registration', fn: this.registration },
        { label: 'Device purge', fn: this.purge },
      ],
    };
  }
}
