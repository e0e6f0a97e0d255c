/**
 * The soak's request mix: valid and invalid requests in fixed proportions, each with the one status it must get.
 * Any other status is a defect.
 */
import type { Request } from 'autocannon';

/** Limits of the soak server: small enough that a 413 costs little to provoke. */
export const SOAK_LIMITS = { maxPayloadBytes: 64 * 1024, maxBatchSize: 100 } as const;

/** One kind of request in the mix. */
export interface MixEntry {
  readonly name: string;
  /** How many of this request per round of the mix. */
  readonly weight: number;
  readonly status: number;
  readonly request: Request;
  /**
   * The server closes the connection after the answer (a 413). autocannon then reaches its `amount` with half as
   * many answers (measured: 2,174 answers for 4,348 requested), so such an entry is given twice its share.
   */
  readonly closesConnection?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The breast-cancer example: 30 features; the valid body is one real row of its test data. */
export function requestMix(validInstance: Record<string, number>): readonly MixEntry[] {
  const valid = JSON.stringify({ instances: [validInstance] });
  const v2 = JSON.stringify({
    inputs: [{ name: 'input', shape: [1, Object.keys(validInstance).length], datatype: 'FP32', data: Object.values(validInstance) }],
  });
  return [
    { name: 'POST /invocations (valid JSON)', weight: 8, status: 200, request: { method: 'POST', path: '/invocations', headers: JSON_HEADERS, body: valid } },
    { name: 'POST /invocations (valid CSV)', weight: 2, status: 200, request: { method: 'POST', path: '/invocations', headers: { 'content-type': 'text/csv' }, body: Object.values(validInstance).join(',') } },
    { name: 'GET /ping', weight: 2, status: 200, request: { method: 'GET', path: '/ping' } },
    { name: 'POST v2 infer (valid)', weight: 2, status: 200, request: { method: 'POST', path: '/v2/models/breast-cancer/infer', headers: JSON_HEADERS, body: v2 } },
    { name: 'POST /invocations (broken JSON)', weight: 2, status: 400, request: { method: 'POST', path: '/invocations', headers: JSON_HEADERS, body: '{"instances": [' } },
    { name: 'POST /invocations (a feature as text)', weight: 2, status: 400, request: { method: 'POST', path: '/invocations', headers: JSON_HEADERS, body: JSON.stringify({ instances: [{ ...validInstance, mean_radius: 'large' }] }) } },
    { name: 'POST /invocations (not UTF-8)', weight: 1, status: 400, request: { method: 'POST', path: '/invocations', headers: JSON_HEADERS, body: Buffer.from([0x7b, 0xff, 0x7d]) } },
    { name: 'POST /invocations (text/plain)', weight: 1, status: 415, request: { method: 'POST', path: '/invocations', headers: { 'content-type': 'text/plain' }, body: 'hello' } },
    { name: 'POST /invocations (batch over the limit)', weight: 1, status: 413, closesConnection: true, request: { method: 'POST', path: '/invocations', headers: JSON_HEADERS, body: JSON.stringify({ instances: new Array(SOAK_LIMITS.maxBatchSize + 1).fill(validInstance) }) } },
    { name: 'GET /nope', weight: 1, status: 404, request: { method: 'GET', path: '/nope' } },
    { name: 'GET /invocations', weight: 1, status: 405, request: { method: 'GET', path: '/invocations' } },
  ];
}
