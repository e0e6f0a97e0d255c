/**
 * Requests to a Lambda function URL with IAM auth: signed with SigV4 for service `lambda` by the SDK's own signer
 * (`@smithy/signature-v4`), with credentials from a provider (the SDK's default chain in the CLI, static ones in
 * tests), and sent with `fetch`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** The signing service of Lambda function URLs. */
export const FUNCTION_URL_SIGNING_SERVICE = 'lambda';

/** An HTTP answer: the status and the body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends one request and answers with its status and body. */
export type HttpCall = (method: 'GET' | 'POST', url: string, body?: { readonly contentType: string; readonly text: string }) => Promise<HttpAnswer>;

/** What {@link signedHttp} signs with. */
export interface SignedHttpOptions {
  /** The region of the function URL. */
  readonly region: string;
  /** Where the credentials come from. */
  readonly credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** An {@link HttpCall} that signs every request with SigV4 (service `lambda`) before sending it. */
export function signedHttp(options: SignedHttpOptions): HttpCall {
  const signer = new SignatureV4({ service: FUNCTION_URL_SIGNING_SERVICE, region: options.region, credentials: options.credentials, sha256: Sha256 });
  const send = options.fetch ?? fetch;
  return async (method, url, body) => {
    const target = new URL(url);
    const headers: Record<string, string> = { host: target.host, ...(body === undefined ? {} : { 'content-type': body.contentType }) };
    const signed = await signer.sign({
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port === '' ? {} : { port: Number(target.port) }),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers,
      ...(body === undefined ? {} : { body: body.text }),
    });
    const response = await send(url, { method, headers: signed.headers, ...(body === undefined ? {} : { body: body.text }) });
    return { status: response.status, text: await response.text() };
  };
}
