/**
 * The checks of a Lambda function URL, every request SigV4-signed: `GET /ping`, the model's metadata
 * (`GET /v2/models/{name}`: SHA-256 and version), and `POST /invocations` with rows of the evaluation data.
 */
import { predictionCheck } from './prediction-check';
import type { SampleRows } from './sample-rows';
import type { HttpCall } from './signed-http';
import { equalCheck, failedCheck, type VerifyCheck } from './verify-check';

/** What the endpoint must serve. */
export interface ExpectedModel {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

/** `path` under the function URL (which ends with `/`, but may be given without). */
export function routeOf(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}/${path}`;
}

async function pingCheck(http: HttpCall, url: string): Promise<VerifyCheck> {
  try {
    const answer = await http('GET', routeOf(url, 'ping'));
    return { name: 'GET /ping', expected: '200', actual: answer.status === 200 ? '200' : `${answer.status} ${answer.text.slice(0, 120)}`, ok: answer.status === 200 };
  } catch (error) {
    return failedCheck('GET /ping', '200', error);
  }
}

async function metadataChecks(http: HttpCall, url: string, model: ExpectedModel): Promise<VerifyCheck[]> {
  const route = `GET /v2/models/${model.name}`;
  try {
    const answer = await http('GET', routeOf(url, `v2/models/${encodeURIComponent(model.name)}`));
    if (answer.status !== 200) return [failedCheck(`${route}: model SHA-256`, model.sha256, new Error(`status ${answer.status}: ${answer.text.slice(0, 120)}`))];
    const metadata = JSON.parse(answer.text) as { sha256?: unknown; versions?: unknown };
    const versions = Array.isArray(metadata.versions) ? metadata.versions.map(String) : [];
    return [
      equalCheck(`${route}: model SHA-256`, model.sha256, typeof metadata.sha256 === 'string' ? metadata.sha256 : undefined),
      equalCheck(`${route}: model version`, model.version, versions.join(', ') || undefined),
    ];
  } catch (error) {
    return [failedCheck(`${route}: model SHA-256 and version`, `${model.sha256}, ${model.version}`, error)];
  }
}

/** Every check of a function URL. */
export async function lambdaChecks(http: HttpCall, url: string, model: ExpectedModel, sample: SampleRows, tolerance: number): Promise<VerifyCheck[]> {
  return [
    await pingCheck(http, url),
    ...(await metadataChecks(http, url, model)),
    await predictionCheck(`POST /invocations: ${sample.expected.length} rows of the evaluation data`, sample, tolerance, () =>
      http('POST', routeOf(url, 'invocations'), { contentType: 'text/csv', text: sample.csv }),
    ),
  ];
}
