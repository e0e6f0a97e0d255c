/**
 * Monitoring of a SageMaker endpoint through the same interface: the 5XX rate and ModelLatency p99 come from the
 * common metric methods, the 4XX rate, OverheadLatency, CPU, memory and ModelSetupTime from the platform's
 * `metricsForMonitoring()`; there is no throttle alarm, since SageMaker reports no throttles.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Monitoring } from '../../../lib/monitoring';
import { alarmLines } from '../../support/alarms';
import { SageMakerShapedEndpoint } from '../../support/endpoints';
import { testApp } from '../../support/app';

function monitorSageMaker(serverless: boolean): Record<string, string> {
  const stack = new Stack(testApp(), 'Test');
  const endpoint = new SageMakerShapedEndpoint(stack, 'Endpoint', 'iris', ['setosa', 'versicolor', 'virginica'], { endpointName: 'iris-ep', serverless, instanceVcpus: 2 });
  new Monitoring(stack, 'Monitoring', { endpoint, labels: ['setosa', 'versicolor', 'virginica'], drift: { enabled: false } });
  return alarmLines(Template.fromStack(stack), 'Test');
}

const SM = (name: string, stat: string) => `AWS/SageMaker ${name} ${stat}`;

describe('Given a SageMaker endpoint on instances', () => {
  const lines = monitorSageMaker(false);

  test('When monitored, then the 5XX rate is alarmed from metricErrors as a share of invocations', () => {
    expect(lines['ErrorRate-Critical']).toBe(
      `IF(requests >= 10, 100 * FILL(events, 0) / requests, 0) {events=${SM('Invocation5XXErrors', 'Sum')}, requests=${SM('Invocations', 'Sum')}} @60s > 5 (3 of 5, notBreaching) -> Critical`,
    );
  });

  test('When monitored, then ModelLatency p99 (microseconds, converted by the endpoint) is set against the 60 s invocation limit', () => {
    expect(lines['LatencyP99-Warning']).toBe(`us_p99 / 1000 {us_p99=${SM('ModelLatency', 'p99')}} @300s > 30000 (3 of 3, notBreaching) -> Warning`);
    expect(lines['LatencyP99-Critical']).toBe(`us_p99 / 1000 {us_p99=${SM('ModelLatency', 'p99')}} @60s > 48000 (3 of 5, notBreaching) -> Critical`);
  });

  test('When monitored, then the platform alarms are the 4XX rate, OverheadLatency p99, and CPU and memory per instance', () => {
    expect(lines['Invocation4XXRate-Warning']).toBe(
      `IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0) {errors=${SM('Invocation4XXErrors', 'Sum')}, requests=${SM('Invocations', 'Sum')}} @300s > 5 (3 of 3, notBreaching) -> Warning`,
    );
    expect(lines['OverheadLatencyP99-Warning']).toBe(`us_p99 / 1000 {us_p99=${SM('OverheadLatency', 'p99')}} @300s > 100 (3 of 3, notBreaching) -> Warning`);
    expect(lines['CpuUtilization-Warning']).toBe('cpu / 2 {cpu=/aws/sagemaker/Endpoints CPUUtilization Average} @300s > 80 (3 of 3, missing) -> Warning');
    expect(lines['CpuUtilization-Critical']).toBe('cpu / 2 {cpu=/aws/sagemaker/Endpoints CPUUtilization Average} @300s > 95 (3 of 3, missing) -> Critical');
    expect(lines['MemoryUtilization-Warning']).toBe('/aws/sagemaker/Endpoints MemoryUtilization Average @300s > 80 (3 of 3, missing) -> Warning');
    expect(lines['MemoryUtilization-Critical']).toBe('/aws/sagemaker/Endpoints MemoryUtilization Average @300s > 90 (3 of 3, missing) -> Critical');
  });

  test('When monitored, then there is no throttle alarm and no serverless setup-time alarm', () => {
    expect(Object.keys(lines).filter((name) => /Throttle|ModelSetupTime|Concurrency/.test(name))).toEqual([]);
  });

  test('When monitored, then the runtime alarms read the same EMF metrics as on Lambda', () => {
    expect(lines['ModelLoadFailures-Critical']).toBe('modelstack ModelLoadFailures Sum @60s >= 1 (1 of 1, notBreaching) -> Critical');
    expect(lines['InvalidRequestRate-invalid_input-Warning']).toContain('events=modelstack InvalidRequests[reason=invalid_input] Sum, requests=AWS/SageMaker Invocations Sum');
  });
});

describe('Given a serverless SageMaker endpoint', () => {
  test('When monitored, then model setup time is alarmed and instance CPU and memory are not', () => {
    const lines = monitorSageMaker(true);
    expect(lines['ModelSetupTime-Warning']).toBe(`us_p99 / 1000 {us_p99=${SM('ModelSetupTime', 'p99')}} @300s > 10000 (1 of 1, notBreaching) -> Warning`);
    expect(Object.keys(lines).filter((name) => /Cpu|Memory/.test(name))).toEqual([]);
  });
});
