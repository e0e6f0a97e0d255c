import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { Monitoring, type MonitoringProps } from '../../lib/monitoring';
import type { PredictionBaseline } from '../../lib/monitoring/drift';
import { PropsValidationError } from '../../lib/props-validation';
import { alarmLines } from '../support/alarms';
import { labelsOf, lambdaEndpoint } from '../support/endpoints';

const BREAST_CANCER: PredictionBaseline = {
  distribution: { task: 'classification', rows: 143, labelShares: { malignant: 56 / 143, benign: 87 / 143 } },
  source: 'model.onnx on test.csv (143 rows)',
};

function monitor(props: Partial<MonitoringProps> = {}, example = 'breast-cancer') {
  const fixture = lambdaEndpoint(example, { reservedConcurrentExecutions: 10 });
  const monitoring = new Monitoring(fixture.stack, 'Monitoring', {
    endpoint: fixture.endpoint,
    labels: labelsOf(fixture.manifest),
    predictionBaseline: example === 'breast-cancer' ? BREAST_CANCER : undefined,
    ...props,
  });
  return {
    ...fixture,
    monitoring,
    // Lazy: synthesizing a stack with an unacknowledged warning throws, which some tests assert.
    get template() {
      return Template.fromStack(fixture.stack);
    },
    lines: () => alarmLines(Template.fromStack(fixture.stack), 'Test'),
  };
}

function problemsOf(props: Partial<MonitoringProps>): readonly string[] {
  try {
    monitor(props);
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return (error as PropsValidationError).problems;
  }
  throw new Error('expected the props to be refused');
}

describe('Given Monitoring with default props on a Lambda endpoint', () => {
  const { monitoring, template, lines } = monitor();

  test('When synthesized, then warning and critical alarms exist with deterministic names <stack>-<id>-<Severity>', () => {
    expect(Object.keys(lines()).sort()).toEqual(
      [
        ...['ErrorRate', 'RuntimeErrorRate', 'LatencyP99', 'ThrottleRate', 'ConcurrencyPercentOfReserved', 'PredictionShareDrift-malignant'].map((id) => `${id}-Warning`),
        ...['bad_json', 'invalid_input', 'too_large', 'unsupported_media_type', 'not_found', 'method_not_allowed', 'timeout', 'not_ready'].map((r) => `InvalidRequestRate-${r}-Warning`),
        ...['ErrorRate', 'RuntimeErrorRate', 'LatencyP99', 'ThrottleRate', 'ModelLoadFailures'].map((id) => `${id}-Critical`),
      ].sort(),
    );
  });

  test('When the rollback alarms are asked for, then they are exactly the critical ones', () => {
    expect(monitoring.rollbackAlarms.map((a) => a.node.id)).toEqual(['ErrorRate-Critical', 'RuntimeErrorRate-Critical', 'LatencyP99-Critical', 'ThrottleRate-Critical', 'ModelLoadFailures-Critical']);
  });

  test('When synthesized, then p99 latency is set against the function timeout (50% warning, 80% critical of 30 s)', () => {
    expect(lines()['LatencyP99-Warning']).toBe('AWS/Lambda Duration p99 @300s > 15000 (3 of 3, notBreaching) -> Warning');
    expect(lines()['LatencyP99-Critical']).toBe('AWS/Lambda Duration p99 @60s > 24000 (3 of 5, notBreaching) -> Critical');
  });

  test('When synthesized, then there is one topic per severity, each encrypted with the notification key and TLS-only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringTopicsKey'), 'Arn'] } });
    expect(Object.values(template.findResources('AWS::SNS::Topic')).map((t) => t.Properties.DisplayName)).toEqual(['modelstack breast-cancer warning', 'modelstack breast-cancer critical']);
    expect(monitoring.topics.tryTopic('warning')).toBeDefined();
    expect(monitoring.topics.tryTopic('critical')).toBeDefined();
  });

  test('When synthesized, then the dashboard shows traffic, errors, latency, capacity, invalid requests, predictions, drift and alarms', () => {
    const body = JSON.stringify(template.toJSON().Resources[Stack.of(monitoring).getLogicalId(monitoring.dashboard.node.defaultChild as cloudwatch.CfnDashboard)].Properties.DashboardBody);
    for (const title of [
      'Traffic: invocations per 5 minutes',
      'Errors by status',
      'Latency percentiles (ms)',
      'Concurrent executions (% of reserved)',
      'Invalid requests by reason',
      'Predictions by label',
      "Share of 'malignant' (%) and its drift band",
      'Alarms',
    ]) {
      expect(body).toContain(title);
    }
  });

  test('When the cdk-nag packs check the stack, then the topics, key and alarms have no findings', () => {
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(Stack.of(monitoring)).violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('Test/Monitoring'))),
    );
    expect(found.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('Given the cdk-nag rules the monitoring resources satisfy (negative control)', () => {
  test('When an alarm has no action and a topic has no key or TLS policy, then CloudWatchAlarmAction and the SNS rules do report them', () => {
    const { stack, endpoint } = lambdaEndpoint();
    new cloudwatch.Alarm(stack, 'Silent', { metric: endpoint.metricErrors(), threshold: 1, evaluationPeriods: 1 });
    new sns.Topic(stack, 'Plain');
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(found).toEqual(expect.arrayContaining(['HIPAA.Security-CloudWatchAlarmAction', 'AwsSolutions-SNS3', 'HIPAA.Security-SNSEncryptedKMS']));
  });
});

describe('Given custom severities', () => {
  test('When critical is disabled, then there is no critical topic and no critical alarm', () => {
    const { monitoring, template } = monitor({ critical: { enabled: false } });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(monitoring.rollbackAlarms).toEqual([]);
    expect(() => monitoring.topics.topic('critical')).toThrow(/no critical topic/);
  });

  test('When thresholds are null, then those alarms are not created', () => {
    const { lines } = monitor({ warning: { invalidRequestRatePercent: null, throttleRatePercent: null }, critical: { modelLoadFailures: null } });
    expect(Object.keys(lines()).filter((name) => /InvalidRequestRate|ThrottleRate-Warning|ModelLoadFailures/.test(name))).toEqual([]);
  });

  test('When a window, guard and thresholds are set, then the alarms use them', () => {
    const { lines } = monitor({ warning: { period: Duration.minutes(15), evaluationPeriods: 4, datapointsToAlarm: 2, minRequestsPerPeriod: 50, errorRatePercent: 2.5 } });
    expect(lines()['ErrorRate-Warning']).toBe(
      'IF(requests >= 50, 100 * FILL(events, 0) / requests, 0) {events=AWS/Lambda Errors Sum, requests=AWS/Lambda Invocations Sum} @900s > 2.5 (2 of 4, notBreaching) -> Warning',
    );
  });

  test('When only some reasons are alarmed, then only their invalid-request alarms exist', () => {
    const { lines } = monitor({ invalidRequestReasons: ['invalid_input'] });
    expect(Object.keys(lines()).filter((name) => name.startsWith('InvalidRequestRate'))).toEqual(['InvalidRequestRate-invalid_input-Warning']);
  });

  test('When a heartbeat is asked for, then fewer invocations in an hour fire it and missing data counts as a breach', () => {
    const { lines } = monitor({ critical: { minInvocationsPerHour: 60 } });
    expect(lines()['Heartbeat-Critical']).toBe('AWS/Lambda Invocations Sum @3600s < 60 (1 of 1, breaching) -> Critical');
  });

  test('When a platform threshold is overridden or turned off, then its alarm follows the override', () => {
    const { lines } = monitor({ warning: { platformThresholds: { ConcurrencyPercentOfReserved: 60 } }, critical: { platformThresholds: { ConcurrencyPercentOfReserved: 95 } } });
    expect(lines()['ConcurrencyPercentOfReserved-Warning']).toMatch(/> 60 \(3 of 5/);
    expect(lines()['ConcurrencyPercentOfReserved-Critical']).toMatch(/> 95 \(3 of 5, notBreaching\) -> Critical$/);
    expect(Object.keys(monitor({ warning: { platformThresholds: { ConcurrencyPercentOfReserved: null } } }).lines())).not.toContain('ConcurrencyPercentOfReserved-Warning');
  });

  test('When emails are given for all and per severity, then each topic gets its own and the shared ones once', () => {
    const { template } = monitor({ emails: ['team@example.com'], critical: { emails: ['oncall@example.com', 'team@example.com'] } });
    const endpoints = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => `${/Warning|Critical/.exec(s.Properties.TopicArn.Ref)?.[0]}:${s.Properties.Endpoint}`);
    expect(endpoints.sort()).toEqual(['Critical:oncall@example.com', 'Critical:team@example.com', 'Warning:team@example.com']);
  });
});

describe('Given drift monitoring', () => {
  test('When a multiclass model has a baseline, then each label gets its own share alarm', () => {
    const iris: PredictionBaseline = { distribution: { task: 'classification', rows: 38, labelShares: { setosa: 12 / 38, versicolor: 14 / 38, virginica: 12 / 38 } }, source: 'test' };
    const { lines } = monitor({ predictionBaseline: iris }, 'iris');
    expect(Object.keys(lines()).filter((n) => n.startsWith('PredictionShareDrift'))).toEqual(['PredictionShareDrift-setosa-Warning', 'PredictionShareDrift-versicolor-Warning', 'PredictionShareDrift-virginica-Warning']);
    expect(lines()['PredictionShareDrift-versicolor-Warning']).toContain('ABS(FILL(l1, 0) / (FILL(l0, 0) + FILL(l1, 0) + FILL(l2, 0)) - 0.368421)');
  });

  test('When a regression model has a baseline, then the mean prediction is alarmed against its band, in value units', () => {
    const diabetes: PredictionBaseline = { distribution: { task: 'regression', rows: 111, mean: 143.6, std: 55.8 }, source: 'test' };
    const { lines } = monitor({ predictionBaseline: diabetes, drift: { sigmas: 2, minPredictionsPerWindow: 50 } }, 'diabetes');
    expect(lines()['PredictedValueDrift-Warning']).toBe(
      'IF(n >= 50, ABS(mean - 143.6) - IF(111.6 * SQRT(1 / n + 0.00900901) > 5.58, 111.6 * SQRT(1 / n + 0.00900901), 5.58), 0) ' +
        '{mean=modelstack PredictedValue Average, n=modelstack PredictedValue SampleCount} @3600s > 0 (3 of 3, notBreaching) -> Warning',
    );
  });

  test('When a multi-output regression has a baseline per target, then each target gets its own mean alarm from the runtime\'s per-target sum and count', () => {
    const linnerud: PredictionBaseline = {
      distribution: { task: 'regression', rows: 8, mean: 180, std: 20, perTarget: { Weight: { mean: 180, std: 20 }, Waist: { mean: 35, std: 2 }, Pulse: { mean: 56, std: 3 } } },
      source: 'test',
    };
    const { lines, template } = monitor({ predictionBaseline: linnerud, drift: { minPredictionsPerWindow: 50 } }, 'diabetes');
    const drift = Object.keys(lines()).filter((n) => n.includes('Drift'));
    expect(drift).toEqual(['PredictedValueDrift-Weight-Warning', 'PredictedValueDrift-Waist-Warning', 'PredictedValueDrift-Pulse-Warning']);
    expect(lines()['PredictedValueDrift-Waist-Warning']).toBe(
      'IF(n >= 50, ABS(s / n - 35) - IF(6 * SQRT(1 / n + 0.125) > 0.2, 6 * SQRT(1 / n + 0.125), 0.2), 0) ' +
        '{s=modelstack PredictedTargetSum Sum, n=modelstack PredictedTargetCount Sum} @3600s > 0 (3 of 3, notBreaching) -> Warning',
    );
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a).includes('PredictedTargetSum'));
    const dimensions = alarms.map((a) => JSON.stringify(a.Properties.Metrics)).map((m) => [...m.matchAll(/"Name":"target","Value":"(\w+)"/g)].map((x) => x[1]));
    expect(dimensions).toEqual([['Weight', 'Weight'], ['Waist', 'Waist'], ['Pulse', 'Pulse']]);
  });

  test('When drift is set to critical with a 2-hour window, then the alarm pages and evaluates 2-hour windows', () => {
    const { lines } = monitor({ drift: { severity: 'critical', window: Duration.hours(2), evaluationWindows: 2 } });
    expect(lines()['PredictionShareDrift-malignant-Critical']).toMatch(/@7200s > 0 \(2 of 2, notBreaching\) -> Critical$/);
  });

  test('When drift alarms are asked for without a baseline, then synth stops on a warning that says how to give one or turn drift off', () => {
    const { app } = monitor({ predictionBaseline: undefined, drift: { enabled: true } });
    expect(() => app.synth()).toThrow(/no prediction baseline, so no drift alarms: give the manifest evaluation data[\s\S]*or set alarms\.drift\.enabled to false[\s\S]*Annotation::modelstack:noDriftBaseline/);
  });

  test('When that warning is acknowledged with a reason, then synth succeeds without drift alarms', () => {
    const { app, monitoring, lines } = monitor({ predictionBaseline: undefined, drift: { enabled: true } });
    Validations.of(monitoring).acknowledge({ id: 'modelstack:noDriftBaseline', reason: 'This model is evaluated offline; drift is watched elsewhere.' });
    expect(() => app.synth()).not.toThrow();
    expect(Object.keys(lines()).filter((n) => n.includes('Drift'))).toEqual([]);
  });

  test('When there is no baseline and drift is left at its default, then a note (not a warning) says why there is no drift alarm', () => {
    const { stack, lines } = monitor({ predictionBaseline: undefined });
    Annotations.fromStack(stack).hasNoWarning('/Test/Monitoring', Match.anyValue());
    Annotations.fromStack(stack).hasInfo('/Test/Monitoring', Match.stringLikeRegexp('no prediction baseline, so no drift alarms'));
    expect(Object.keys(lines()).filter((n) => n.includes('Drift'))).toEqual([]);
  });

  test('When there is no baseline and drift is turned off, then there is no warning and no drift alarm', () => {
    const { stack, lines } = monitor({ predictionBaseline: undefined, drift: { enabled: false } });
    Annotations.fromStack(stack).hasNoWarning('/Test/Monitoring', Match.anyValue());
    expect(Object.keys(lines()).filter((n) => n.includes('Drift'))).toEqual([]);
  });

  test('When a model has more labels than one alarm can sum, then drift is skipped with a warning', () => {
    const labelShares = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, 0.1]));
    const { app } = monitor({ predictionBaseline: { distribution: { task: 'classification', rows: 100, labelShares }, source: 'test' } });
    expect(() => app.synth()).toThrow(/the model has 10 labels; a drift alarm can sum at most 9[\s\S]*Annotation::modelstack:tooManyDriftLabels/);
  });

  test('When the expected traffic is known, then the description quotes the band at that traffic', () => {
    const { monitoring } = monitor({ expectedPredictionsPerWindow: 166_667 });
    const drift = monitoring.alarms.find((a) => a.definition.id === 'PredictionShareDrift-malignant');
    expect(drift?.definition.meaning).toContain('39.16% +/- max(5 pp, 3 * sqrt(p(1-p)(1/n + 1/143))); at the expected 166,667 predictions per window +/-12.2506 pp');
  });
});

describe('Given invalid props', () => {
  const cases: Array<[Partial<MonitoringProps>, string]> = [
    [{ warning: { errorRatePercent: 0 } }, 'warning.errorRatePercent must be a percentage above 0 and at most 100, or null to turn the alarm off (got 0)'],
    [{ critical: { latencyP99PercentOfTimeout: 120 } }, 'critical.latencyP99PercentOfTimeout must be a percentage above 0 and at most 100, or null to turn the alarm off (got 120)'],
    [{ critical: { modelLoadFailures: 0 } }, 'critical.modelLoadFailures must be a whole number from 1 to 1000000 (got 0)'],
    [{ warning: { minInvocationsPerHour: 0.5 } }, `warning.minInvocationsPerHour must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (got 0.5)`],
    [{ warning: { minRequestsPerPeriod: 0 } }, `warning.minRequestsPerPeriod must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (got 0)`],
    [{ warning: { period: Duration.minutes(7) } }, 'warning.period must be a whole number of minutes that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60 minutes) (got 7 minutes)'],
    [{ critical: { evaluationPeriods: 1441 } }, 'critical.evaluationPeriods must be a whole number from 1 to 1440 (got 1441)'],
    [{ warning: { datapointsToAlarm: 4 } }, 'warning.datapointsToAlarm must be a whole number from 1 to 3 (got 4)'],
    [{ warning: { platformThresholds: { Cpu: 80 } } }, "warning.platformThresholds.Cpu must be one of the endpoint's platform metrics (ConcurrentExecutions, ConcurrencyPercentOfReserved) (got 'Cpu')"],
    [{ critical: { emails: ['pager'] } }, "critical.emails must be an e-mail address (got 'pager')"],
    [{ emails: ['team at example'] }, "emails must be an e-mail address (got 'team at example')"],
    [{ invalidRequestReasons: ['teapot' as never] }, "invalidRequestReasons must be one of bad_json, invalid_input, too_large, unsupported_media_type, not_found, method_not_allowed, timeout, not_ready, internal_error (got 'teapot')"],
    [{ drift: { window: Duration.minutes(90) } }, 'drift.window must be a whole number of hours from 1 to 6 (got 1 hour 30 minutes)'],
    [{ drift: { window: Duration.hours(6), evaluationWindows: 5 } }, 'drift.evaluationWindows must be a whole number from 1 to 4 (got 5)'],
    [{ drift: { sigmas: 0.5 } }, 'drift.sigmas must be a number from 1 to 10 (got 0.5)'],
    [{ drift: { floorPercentagePoints: 60 } }, 'drift.floorPercentagePoints must be a number from 0 to 50 (got 60)'],
    [{ drift: { floorStandardDeviations: -1 } }, 'drift.floorStandardDeviations must be a number from 0 to 5 (got -1)'],
    [{ drift: { minPredictionsPerWindow: 0 } }, `drift.minPredictionsPerWindow must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (got 0)`],
  ];
  test.each(cases.map(([props, message]) => [message.split(' must ')[0], props, message] as const))(
    'When %s is out of bounds, then it is refused naming the property, the value and what is allowed',
    (_property, props, message) => {
      expect(problemsOf(props)).toEqual([message]);
    },
  );

  test('When several props are invalid, then every problem is thrown at once, naming the construct', () => {
    expect(problemsOf({ warning: { errorRatePercent: 0 }, drift: { sigmas: 0 } })).toHaveLength(2);
    expect(() => monitor({ warning: { errorRatePercent: 0 } })).toThrow(/^Invalid props for Test\/Monitoring:\n {2}- warning\.errorRatePercent/);
  });
});
