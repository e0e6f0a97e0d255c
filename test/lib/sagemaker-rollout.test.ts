import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { SageMakerInferenceProps } from '../../lib/sagemaker-inference';
import { TrafficRouting } from '../../lib/sagemaker/deployment';
import { SageMakerInstanceType } from '../../lib/sagemaker/instance-type';
import { createSageMaker, nagFindings, synthSageMaker } from '../support/sagemaker';

const SCALED: Partial<SageMakerInferenceProps> = {
  instanceVariant: { initialInstanceCount: 2 },
  autoScaling: {
    minCapacity: 2,
    maxCapacity: 6,
    maxRequestsPerSecondPerInstance: 100,
    safetyFactor: 0.4,
    scaleInCooldown: Duration.minutes(10),
    scaleOutCooldown: Duration.seconds(30),
    schedules: [{ name: 'Night', schedule: appscaling.Schedule.expression('cron(0 20 * * ? *)'), minCapacity: 1, maxCapacity: 2 }],
  },
};

describe('When auto-scaling the instance variant', () => {
  const { template, inference } = synthSageMaker(SCALED);

  test('then the scalable target is the variant’s instance count, min to max', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: `endpoint/${inference.endpointName}/variant/primary`,
      MinCapacity: 2,
      MaxCapacity: 6,
      RoleARN: { 'Fn::Join': ['', Match.arrayWith([':role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']) ] },
      ScheduledActions: [{ ScheduledActionName: 'Night', Schedule: 'cron(0 20 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } }],
    });
  });

  test('then target tracking aims at max requests per second × safety factor × 60 invocations per instance per minute', () => {
    expect(inference.autoScaling?.targetInvocationsPerInstance).toBe(100 * 0.4 * 60);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 2400,
        ScaleInCooldown: 600,
        ScaleOutCooldown: 30,
      },
    });
  });

  test('then an update keeps the instance count autoscaling set, but takes data capture from the new config', () => {
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' }],
    });
  });

  test('then the target waits for the endpoint and nothing is unacknowledged', () => {
    const { stack } = createSageMaker(SCALED);
    const targets = stack.node.findAll().filter((c) => c instanceof appscaling.ScalableTarget);
    expect(targets).toHaveLength(1);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'))).not.toContainEqual(expect.stringMatching(/AutoScaling/));
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('When a guarded rollout is configured', () => {
  test('then a canary blue/green update is rolled back by the 5XX-rate and p99-latency alarms', () => {
    const { template, inference, stack } = synthSageMaker({
      instanceVariant: { initialInstanceCount: 2 },
      deployment: {
        trafficRouting: TrafficRouting.canary(25, Duration.minutes(10)),
        terminationWait: Duration.minutes(2),
        maximumExecutionTimeout: Duration.hours(2),
        rollbackThresholds: { errorRatePercent: 2, p99ModelLatency: Duration.millis(250) },
      },
    });
    expect(inference.rollbackAlarms).toHaveLength(2);
    const [errors, latency] = inference.rollbackAlarms.map((alarm) => stack.getLogicalId(alarm.node.defaultChild as never));
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: { Ref: errors } }, { AlarmName: { Ref: latency } }] },
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 } },
          TerminationWaitInSeconds: 120,
          MaximumExecutionTimeoutInSeconds: 7200,
        },
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocation5XXErrors', Namespace: 'AWS/SageMaker' }), Period: 60 }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency',
      Namespace: 'AWS/SageMaker',
      ExtendedStatistic: 'p99',
      Period: 60,
      Threshold: 250_000,
      Dimensions: Match.arrayWith([{ Name: 'EndpointName', Value: inference.endpointName }, { Name: 'VariantName', Value: 'primary' }]),
    });
    // Alone, the construct's rollback alarms act only through SageMaker: whoever composes it gives them a notification
    // (ModelStack does, test/lib/compliance-fixes.test.ts), so the packs still ask for one here.
    expect(nagFindings(stack)).toEqual(['HIPAA.Security-CloudWatchAlarmAction']);
  });

  test('then linear shifting renders its step size, and extra alarms join the rollback alarms', () => {
    const extra = cloudwatch.Alarm.fromAlarmArn(createSageMaker().stack, 'Extra', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:client-errors');
    const { template } = synthSageMaker({
      deployment: { trafficRouting: TrafficRouting.linear(20, Duration.minutes(2)), maximumExecutionTimeout: Duration.hours(1), additionalRollbackAlarms: [extra] },
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: Match.anyValue() }, { AlarmName: Match.anyValue() }, { AlarmName: 'client-errors' }] },
        BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 120, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 } } }),
      }),
    });
  });

  test('then a rolling update replaces the fleet in batches', () => {
    const { template } = synthSageMaker({ deployment: { rollingUpdate: { maximumBatchSizePercent: 25, waitInterval: Duration.minutes(1) } } });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
          WaitIntervalInSeconds: 60,
          MaximumExecutionTimeoutInSeconds: 3600,
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 },
        },
      }),
    });
  });

  test('then without a deployment config there are no rollback alarms', () => {
    const { template, inference } = synthSageMaker();
    expect(inference.rollbackAlarms).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('Given invalid scaling or rollout props', () => {
  const alarms = (n: number, stack = createSageMaker().stack) =>
    Array.from({ length: n }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a${i}`));
  test.each([
    ['autoscaling a serverless variant', { serverlessVariant: {}, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, /autoScaling must be unset with serverlessVariant/],
    ['minCapacity above the initial count', { autoScaling: { minCapacity: 2, maxCapacity: 4, maxRequestsPerSecondPerInstance: 10 } }, /autoScaling.minCapacity must be a whole number from 1 to 1 \(got 2\)/],
    ['minCapacity 0', { autoScaling: { minCapacity: 0, maxCapacity: 4, maxRequestsPerSecondPerInstance: 10 } }, /autoScaling.minCapacity must be a whole number from 1 to 1 \(got 0\)/],
    ['maxCapacity below the initial count', { instanceVariant: { initialInstanceCount: 3 }, autoScaling: { minCapacity: 1, maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, /autoScaling.maxCapacity must be at least instanceVariant.initialInstanceCount \(3\)/],
    ['a burstable instance type', { instanceVariant: { instanceType: SageMakerInstanceType.T2_MEDIUM }, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, /instanceVariant.instanceType must be a non-burstable type with autoScaling: ml.t\* instances run on CPU credits/],
    ['a zero request rate', { autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 0 } }, /autoScaling.maxRequestsPerSecondPerInstance must be a number above 0/],
    ['a safety factor above 1', { autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10, safetyFactor: 1.5 } }, /autoScaling.safetyFactor must be a number above 0 and at most 1 \(got 1.5\)/],
    ['a bad schedule name', { autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10, schedules: [{ name: 'night-time', schedule: appscaling.Schedule.rate(Duration.hours(1)) }] } }, /autoScaling.schedules\[0\].name must be 1-64 letters or digits/],
    ['blue/green and rolling at once', { deployment: { trafficRouting: TrafficRouting.allAtOnce(), rollingUpdate: { maximumBatchSizePercent: 10 } } }, /cannot specify both trafficRouting \(blue\/green\) and rollingUpdate/],
    ['a rolling update of a serverless variant', { serverlessVariant: {}, deployment: { rollingUpdate: { maximumBatchSizePercent: 10 } } }, /deployment.rollingUpdate must be unset with serverlessVariant/],
    ['a canary over half the fleet (percent)', { instanceVariant: { initialInstanceCount: 4 }, deployment: { trafficRouting: TrafficRouting.canary(60) } }, /deployment.trafficRouting \(canary size\) must be a whole number from 1% to 50% \(got 60\)/],
    ['a canary over half of a one-instance fleet', { deployment: { trafficRouting: TrafficRouting.canary(10) } }, /canary size\) must be at most half of the smallest fleet/],
    ['a linear step under 10%', { deployment: { trafficRouting: TrafficRouting.linear(5) } }, /deployment.trafficRouting \(linear step\) must be a whole number from 10% to 50% \(got 5\)/],
    ['a rolling batch of 60%', { deployment: { rollingUpdate: { maximumBatchSizePercent: 60 } } }, /deployment.rollingUpdate.maximumBatchSizePercent must be a whole number from 5% to 50% \(got 60\)/],
    ['a timeout under 600 seconds', { deployment: { trafficRouting: TrafficRouting.allAtOnce(Duration.seconds(0)), terminationWait: Duration.seconds(0), maximumExecutionTimeout: Duration.minutes(5) } }, /deployment.maximumExecutionTimeout must be a whole number of seconds from 10 minutes to 8 hours/],
    ['a timeout shorter than the waits', { deployment: { trafficRouting: TrafficRouting.linear(10, Duration.minutes(10)), maximumExecutionTimeout: Duration.minutes(60) } }, /deployment.maximumExecutionTimeout must be longer than the update's planned waits \(6300 seconds\)/],
    ['a p99 threshold over the invocation limit', { deployment: { trafficRouting: TrafficRouting.allAtOnce(), rollbackThresholds: { p99ModelLatency: Duration.minutes(2) } } }, /deployment.rollbackThresholds.p99ModelLatency must be from 1 millisecond to 60 seconds/],
    ['an error rate of 0', { deployment: { trafficRouting: TrafficRouting.allAtOnce(), rollbackThresholds: { errorRatePercent: 0 } } }, /deployment.rollbackThresholds.errorRatePercent must be a percentage above 0/],
    ['more than 10 rollback alarms', { deployment: { trafficRouting: TrafficRouting.allAtOnce(), additionalRollbackAlarms: alarms(9) } }, /deployment.additionalRollbackAlarms must be at most 8/],
  ])('When the props have %s, then they are refused with the reason', (_case, props, message) => {
    expect(() => createSageMaker(props as Partial<SageMakerInferenceProps>)).toThrow(message);
  });
});
