/**
 * The request hook's log lines: which requests are logged at which level, and what a line carries.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { HttpRequest, RequestRecord } from '../../../lambda/serving/contract';
import { createObservability } from '../../../lambda/serving/observability';

function quietLogger(): Logger {
  const logger = new Logger({ serviceName: 'test', logLevel: 'INFO' });
  for (const level of ['debug', 'info', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
  return logger;
}

const request: HttpRequest = { method: 'POST', path: '/invocations?token=secret', headers: {}, body: '{"instances":[]}' };
const success: RequestRecord = {
  requestId: 'r-1',
  method: 'POST',
  path: '/invocations?token=secret',
  status: 200,
  durationMs: 1.23456,
  predictions: [{ value: 1 }, { value: 2 }],
};

describe('request log lines', () => {
  test('a success is logged only at DEBUG or TRACE, following level changes made after creation', () => {
    const logger = quietLogger();
    const { hooks } = createObservability({ serviceName: 'test', logger, metrics: false });
    hooks.onRequest?.(success, request);
    expect(logger.debug).not.toHaveBeenCalled();
    logger.setLogLevel('DEBUG');
    hooks.onRequest?.(success, request);
    expect(logger.debug).toHaveBeenCalledTimes(1);
    expect(logger.debug).toHaveBeenLastCalledWith('request', {
      requestId: 'r-1',
      method: 'POST',
      path: '/invocations',
      status: 200,
      durationMs: 1.235,
      batchSize: 2,
    });
    logger.setLogLevel('TRACE');
    hooks.onRequest?.(success, request);
    expect(logger.debug).toHaveBeenCalledTimes(2);
    logger.setLogLevel('WARN');
    hooks.onRequest?.(success, request);
    expect(logger.debug).toHaveBeenCalledTimes(2);
    expect(logger.info).not.toHaveBeenCalled();
  });

  test('a rejected request is logged at INFO without its message or body; a 500 at ERROR with its cause', () => {
    const logger = quietLogger();
    const { hooks } = createObservability({ serviceName: 'test', logger, metrics: false });
    hooks.onRequest?.({ ...success, predictions: undefined, status: 400, reason: 'invalid_input', message: 'x: "secret"', problemCount: 3 }, request);
    expect(logger.info).toHaveBeenCalledWith('request rejected', {
      requestId: 'r-1',
      method: 'POST',
      path: '/invocations',
      status: 400,
      durationMs: 1.235,
      reason: 'invalid_input',
      problemCount: 3,
    });
    hooks.onRequest?.({ ...success, predictions: undefined, status: 500, reason: 'internal_error', error: new Error('boom') }, request);
    expect(logger.error).toHaveBeenCalledWith(
      'request failed unexpectedly',
      expect.objectContaining({ requestId: 'r-1', path: '/invocations', status: 500, error: expect.objectContaining({ message: 'boom' }) }),
    );
  });

  test('with logPayloads, every request is logged at INFO with its body and full path', () => {
    const logger = quietLogger();
    const { hooks } = createObservability({ serviceName: 'test', logger, metrics: false, logPayloads: true });
    hooks.onRequest?.(success, request);
    expect(logger.info).toHaveBeenCalledWith('request', {
      requestId: 'r-1',
      method: 'POST',
      path: '/invocations?token=secret',
      status: 200,
      durationMs: 1.235,
      batchSize: 2,
      body: '{"instances":[]}',
    });
  });
});
