/** The real AWS edge of verify: SDK clients and a SigV4 signer, all with the SDK's default credential chain. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { signedHttp } from './signed-http';
import type { VerifyAws } from './verify';

/** Clients for `region`; credentials are looked up once, on the first call that needs them. */
export function defaultVerifyAws(region: string): VerifyAws {
  const credentials = defaultProvider();
  return {
    cloudFormation: new CloudFormationClient({ region, credentials }),
    sageMaker: new SageMakerClient({ region, credentials }),
    runtime: new SageMakerRuntimeClient({ region, credentials }),
    http: signedHttp({ region, credentials }),
  };
}
