/** What the app records for `modelstack verify` in the cloud assembly, and where the recorded model folder is found. */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCloudAssembly } from '../../../lib/cost/cloud-assembly';
import { VerifyError } from '../../../lib/verify/verify-error';
import { recordedVerifyInputs, resolveModelDirectory } from '../../../lib/verify/verify-inputs';
import { shippedAssembly } from '../../support/shipped';
import { BREAST_CANCER } from '../../support/verify-edge';

describe('Given the shipped environments synthesized into a cloud assembly', () => {
  test('When read, then each stack carries its environment, platform and model folder relative to the project root', () => {
    expect(readCloudAssembly(shippedAssembly()).map((stack) => [stack.stackName, recordedVerifyInputs(stack)])).toEqual([
      ['modelstack-breast-cancer-dev', { environment: 'dev', platform: 'lambda', modelDirectory: 'examples/breast-cancer' }],
      ['modelstack-breast-cancer-staging', { environment: 'staging', platform: 'sagemaker', modelDirectory: 'examples/breast-cancer' }],
      ['modelstack-breast-cancer-sandbox', { environment: 'sandbox', platform: 'sagemaker', modelDirectory: 'examples/breast-cancer' }],
      ['modelstack-breast-cancer-prod', { environment: 'prod', platform: 'lambda', modelDirectory: 'examples/breast-cancer' }],
    ]);
  });
});

describe('Given a recorded model folder', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'modelstack-verify-inputs-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A project at `root/name` with the model under models/m and its assembly under cdk.out. */
  function project(name: string): string {
    const dir = join(root, name);
    cpSync(BREAST_CANCER, join(dir, 'models', 'm'), { recursive: true });
    mkdirSync(join(dir, 'cdk.out'), { recursive: true });
    return dir;
  }

  test('When both the working directory and the folder of the assembly hold it, then the working directory wins', () => {
    const here = project('here');
    const there = project('there');
    expect(resolveModelDirectory('models/m', here, join(there, 'cdk.out'))).toBe(join(here, 'models', 'm'));
  });

  test('When only the folder of the assembly holds it, then it is found there', () => {
    const there = project('there');
    expect(resolveModelDirectory('models/m', root, join(there, 'cdk.out'))).toBe(join(there, 'models', 'm'));
  });

  test('When neither holds it, then a VerifyError names the folder and both places looked in', () => {
    const call = () => resolveModelDirectory('models/m', root, join(root, 'cdk.out'));
    expect(call).toThrow(VerifyError);
    expect(call).toThrow(`the model folder models/m recorded in ${join(root, 'cdk.out')} has no model.json under the working directory or beside the assembly (looked in ${join(root, 'models', 'm')})`);
  });
});
