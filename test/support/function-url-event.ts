/** Function URL events (payload format 2.0) as Lambda delivers them, for the handler's tests. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A function URL event (payload format 2.0), as Lambda delivers it. */
export function functionUrlEvent(
  method: string,
  rawPath: string,
  body?: string,
  options: { contentType?: string; base64?: boolean; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {
    host: 'abcdefghijklmnop.lambda-url.eu-west-1.on.aws',
    'user-agent': 'curl/8.5.0',
    accept: '*/*',
    'x-amzn-trace-id': 'Root=1-65f0c0de-0123456789abcdef01234567',
    'x-forwarded-proto': 'https',
    ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnop',
      domainName: 'abcdefghijklmnop.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abcdefghijklmnop',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'a1b2c3d4-0000-4000-8000-000000000001',
      routeKey: '$default',
      stage: '$default',
      time: '21/Nov/2026:14:00:00 +0000',
      timeEpoch: 1795269600000,
    },
    ...(body === undefined
      ? {}
      : { body: options.base64 === true ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: options.base64 === true,
  };
}
