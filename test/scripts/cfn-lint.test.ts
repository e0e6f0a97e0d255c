import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { buildLintedStacks, classifyFindings, IGNORES_FILE, lintCfn, loadIgnores, type CfnLintFinding, type CfnLintIgnore } from '../../scripts/cfn-lint';
import { ALL_ENVIRONMENTS } from '../support/configurations';
import { PROJECT_ROOT, testApp } from '../support/app';

const finding = (level: string, rule: string, resource: string): CfnLintFinding => ({
  Filename: 'dev.template.json',
  Level: level,
  Message: 'm',
  Rule: { Id: rule },
  Location: { Path: ['Resources', resource, 'DependsOn'], Start: { LineNumber: 1 } },
});
const ignore: CfnLintIgnore = { rule: 'W3005', resources: ['^Inference[0-9A-F]{8}$'], reason: 'a reason long enough to explain why it stays here' };

describe('Given cfn-lint findings and the ignore list', () => {
  test('When a warning matches an entry by rule and logical id, then it is ignored and the entry counts as used', () => {
    const result = classifyFindings([finding('Warning', 'W3005', 'InferenceD1035463')], [ignore]);
    expect(result).toEqual({ failures: [], ignored: [finding('Warning', 'W3005', 'InferenceD1035463')], unused: [] });
  });

  test('When a warning has another rule or another resource, then it fails and the entry is reported unused', () => {
    const result = classifyFindings([finding('Warning', 'W3010', 'InferenceD1035463'), finding('Warning', 'W3005', 'OtherD1035463')], [ignore]);
    expect(result.failures).toHaveLength(2);
    expect(result.unused).toEqual([ignore]);
  });

  test('When an error matches an entry, then it still fails: errors are never ignored', () => {
    expect(classifyFindings([finding('Error', 'W3005', 'InferenceD1035463')], [ignore]).failures).toHaveLength(1);
  });
});

describe('Given the ignore file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ignores-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (ignores: unknown[]): string => {
    const file = join(dir, IGNORES_FILE);
    writeFileSync(file, JSON.stringify({ ignores }));
    return file;
  };

  test('When the project\'s file is read, then every entry has a rule, resource patterns and a reason', () => {
    expect(loadIgnores(join(PROJECT_ROOT, IGNORES_FILE)).length).toBeGreaterThan(0);
  });

  test.each([
    ['a rule that is not a cfn-lint id', { ...ignore, rule: 'X1' }, /rule must be a cfn-lint rule id/],
    ['no resource patterns', { ...ignore, resources: [] }, /resources must list logical-id patterns/],
    ['a reason too short to explain anything', { ...ignore, reason: 'CDK' }, /reason must say why/],
  ])('When an entry has %s, then loading it fails naming the field', (_case, entry, message) => {
    expect(() => loadIgnores(write([entry]))).toThrow(message);
  });
});

describe('Given a machine without Python 3', () => {
  test('When npm run lint:cfn runs, then it fails naming what to install', async () => {
    const stderr: string[] = [];
    const code = await lintCfn({ stdout: () => undefined, stderr: (line) => stderr.push(line), python: join(tmpdir(), 'no-such-python3') });
    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/needs Python 3\.9\+ with its venv module[\s\S]*apt-get install python3 python3-venv/);
  });
});

describe('Given the stacks npm run lint:cfn synthesizes', () => {
  test('When they are built, then they are every environment and extra configuration, the delivery pipeline stack and its shadow phase stack', async () => {
    const stacks = await buildLintedStacks(testApp());
    expect(stacks).toHaveLength(Object.keys(ALL_ENVIRONMENTS).length + 2);
    expect(stacks.at(-2)?.stackName).toBe('modelstack-breast-cancer-pipeline');
    // The shadow phase's staging: the same stack as the pipeline's staging, with a shadow variant.
    expect(stacks.at(-1)?.stackName).toBe('Pipeline-staging-modelstack-breast-cancer-staging');
    const configs = (stacks.at(-1)?.node.findAll() ?? []).filter((c): c is sagemaker.CfnEndpointConfig => c instanceof sagemaker.CfnEndpointConfig);
    expect(configs.map((c) => c.shadowProductionVariants !== undefined)).toEqual([true]);
  });
});
