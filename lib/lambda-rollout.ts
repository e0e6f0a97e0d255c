/**
 * Gradual rollout of new function versions: a CodeDeploy deployment group on the `live` alias. When a deployment
 * changes the alias's version, CloudFormation hands the change to CodeDeploy, which shifts traffic to the new
 * version (canary, linear or all at once) and moves the alias back by itself if a rollback alarm fires or the
 * deployment fails. The function URL stays on the alias throughout, so clients never see a version change.
 *
 * Default settings:
 * - canary: 10% of traffic for 5 minutes, then the rest;
 * - automatic rollback on failed and stopped deployments, and on any rollback alarm;
 * - its own service role with a customer-managed policy written out for this alias and these alarms only
 *   (`lambda:GetAlias`, `lambda:UpdateAlias`, `lambda:GetProvisionedConcurrencyConfig` on the alias,
 *   `cloudwatch:DescribeAlarms` on the rollback alarms) instead of the AWS-managed
 *   `AWSCodeDeployRoleForLambdaLimited`, which allows those actions on every alias and alarm of the account.
 *   That policy also lets CodeDeploy invoke `CodeDeployHook_*` functions and read `CodeDeploy/` objects in S3;
 *   this group has no hooks and reads nothing, so neither is granted.
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';
import { resourcePath } from './private/resource-path';
import { PropsValidator } from './props-validation';

/** How traffic shifts: a union-like class, built with its static factories. */
export class RolloutStrategy {
  /** Every request goes to the new version at once (alarms can still roll it back afterwards). */
  public static allAtOnce(): RolloutStrategy {
    return new RolloutStrategy('all-at-once', 100, Duration.minutes(0));
  }

  /** `percent` of traffic goes to the new version for `interval`, then all of it. */
  public static canary(percent: number, interval: Duration): RolloutStrategy {
    return new RolloutStrategy('canary', percent, interval);
  }

  /** `percent` more of the traffic moves to the new version every `interval` until it has all of it. */
  public static linear(percent: number, interval: Duration): RolloutStrategy {
    return new RolloutStrategy('linear', percent, interval);
  }

  private constructor(
    /** Which shape of shifting. */
    public readonly kind: 'all-at-once' | 'canary' | 'linear',
    /** Percentage shifted per step. */
    public readonly percent: number,
    /** Time between steps (0 for all at once). */
    public readonly interval: Duration,
  ) {}

  /** Problems with the percentage or interval, in {@link PropsValidator} form. */
  public validate(validator: PropsValidator, property: string): void {
    if (this.kind === 'all-at-once') return;
    validator.integerInRange(`${property}.percent`, this.percent, 1, 99, '%');
    validator.durationInRange(`${property}.interval`, this.interval, Duration.minutes(1), Duration.minutes(2880), 'seconds');
    if (!this.interval.isUnresolved() && this.interval.toSeconds() % 60 !== 0) validator.fail(`${property}.interval`, this.interval, 'a whole number of minutes');
  }

  /** The CodeDeploy configuration: a predefined one where it exists, else a custom one created in `scope`. */
  public bind(scope: Construct): codedeploy.ILambdaDeploymentConfig {
    const predefined = this.predefined();
    if (predefined !== undefined) return predefined;
    const props = { interval: this.interval, percentage: this.percent };
    return new codedeploy.LambdaDeploymentConfig(scope, 'DeploymentConfig', {
      trafficRouting: this.kind === 'canary' ? codedeploy.TrafficRouting.timeBasedCanary(props) : codedeploy.TrafficRouting.timeBasedLinear(props),
    });
  }

  private predefined(): codedeploy.ILambdaDeploymentConfig | undefined {
    if (this.kind === 'all-at-once') return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
    if (this.percent !== 10) return undefined;
    const minutes = this.interval.toMinutes();
    const configs = codedeploy.LambdaDeploymentConfig;
    const table: Record<string, codedeploy.ILambdaDeploymentConfig> =
      this.kind === 'canary'
        ? { 5: configs.CANARY_10PERCENT_5MINUTES, 10: configs.CANARY_10PERCENT_10MINUTES, 15: configs.CANARY_10PERCENT_15MINUTES, 30: configs.CANARY_10PERCENT_30MINUTES }
        : { 1: configs.LINEAR_10PERCENT_EVERY_1MINUTE, 2: configs.LINEAR_10PERCENT_EVERY_2MINUTES, 3: configs.LINEAR_10PERCENT_EVERY_3MINUTES, 10: configs.LINEAR_10PERCENT_EVERY_10MINUTES };
    return table[minutes];
  }
}

/** CodeDeploy watches at most 10 alarms per deployment group. */
export const MAX_ROLLBACK_ALARMS = 10;

/** Properties of {@link LambdaRollout}. */
export interface LambdaRolloutProps {
  /** The alias clients call; its version must come from `function.currentVersion`, so each change deploys. */
  readonly alias: lambda.Alias;

  /**
   * How traffic shifts to a new version.
   * @default RolloutStrategy.canary(10, Duration.minutes(5))
   */
  readonly strategy?: RolloutStrategy;

  /**
   * Alarms that stop a deployment and roll it back (at most 10), usually the critical ones.
   * @default [] (roll back on failed or stopped deployments only)
   */
  readonly rollbackAlarms?: readonly cloudwatch.IAlarm[];
}

/**
 * The alias's ARN written as `<function ARN>:<alias name>`: the same string as a `Ref` to the alias, without
 * making the policy depend on the alias. The alias's update policy names the deployment group, which waits for
 * this policy (so CodeDeploy has its permissions before the first shift); a `Ref` back to the alias would close
 * that loop, and CloudFormation refuses a template with a dependency cycle.
 */
function aliasArnWithoutReference(alias: lambda.Alias): string {
  return `${alias.version.lambda.functionArn}:${alias.aliasName}`;
}

/** A CodeDeploy deployment group that rolls new versions out on the alias and back on alarms. */
export class LambdaRollout extends Construct {
  /** The deployment group (construct id `Resource`). */
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** CodeDeploy's service role, with its least-privilege policy. */
  public readonly role: ManagedPolicyRole;
  /** The strategy in use. */
  public readonly strategy: RolloutStrategy;

  constructor(scope: Construct, id: string, props: LambdaRolloutProps) {
    super(scope, id);
    this.strategy = props.strategy ?? RolloutStrategy.canary(10, Duration.minutes(5));
    const alarms = props.rollbackAlarms ?? [];
    const validator = new PropsValidator(this);
    this.strategy.validate(validator, 'strategy');
    if (alarms.length > MAX_ROLLBACK_ALARMS) validator.fail('rollbackAlarms', `${alarms.length} alarms`, `at most ${MAX_ROLLBACK_ALARMS} alarms (CodeDeploy's limit per deployment group)`);
    validator.throwIfInvalid();

    this.role = new ManagedPolicyRole(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: `Shifts traffic on the ${props.alias.aliasName} alias of ${resourcePath(props.alias.version.lambda)} (modelstack)`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
        resources: [aliasArnWithoutReference(props.alias)],
      }),
    );
    if (alarms.length > 0) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarms.map((alarm) => alarm.alarmArn) }));
    }

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Resource', {
      alias: props.alias,
      deploymentConfig: this.strategy.bind(this),
      alarms: [...alarms],
      // The construct would attach AWSCodeDeployRoleForLambdaLimited to a mutable role; this role's policy is written out above.
      role: this.role.withoutPolicyUpdates(),
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: alarms.length > 0 },
    });
    this.deploymentGroup.node.addDependency(this.role.policy);
  }
}
