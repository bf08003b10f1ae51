import type { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RECIPE_SET_DEFINE } from '../../functions/bundled-recipe-set.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/observability/metric-names.ts';

export interface HeraldFunctionProps {
  /** Path of the handler module, from the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** A physical name, for a function whose own ARN must be known before it exists (its environment names it). */
  readonly functionName?: string;
  /** Only the variables of the ports this function uses (FunctionEnvironment.of). */
  readonly environment: Readonly<Record<string, string>>;
}

/** Context key under which the stack hands its recipe set (JSON) to the functions it bundles. */
export const RECIPE_SET_CONTEXT = 'herald:recipe-set';

/** The stack's recipe set, compiled into the bundle (functions/bundled-recipe-set.ts). */
const recipeSetDefine = (scope: Construct): Record<string, string> => {
  const json = scope.node.tryGetContext(RECIPE_SET_CONTEXT) as string | undefined;
  return json ? { [RECIPE_SET_DEFINE]: JSON.stringify(json) } : {};
};

/**
 * A Herald Lambda function: Node.js 24 on arm64, bundled with esbuild, JSON logs kept for a
 * month, X-Ray tracing, Powertools' service name and metrics namespace. Callers choose only what
 * differs between functions.
 */
export class HeraldFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HeraldFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      bundling: { minify: true, sourceMap: true, target: 'node24', define: recipeSetDefine(this) },
    });
  }
}
