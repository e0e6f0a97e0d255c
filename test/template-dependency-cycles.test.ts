import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { ALL_ENVIRONMENTS } from './support/configurations';
import { dependencyCycles, type DependencyTemplate } from './support/dependency-cycles';
import { buildTestStacks } from './support/stacks';

const FIXTURE = join(__dirname, 'fixtures', 'templates', 'lambda-rollout-cycle.template.json');

describe.each(Object.keys(ALL_ENVIRONMENTS))('Given the %s environment', (name) => {
  test('When synthesized, then CloudFormation can order its resources: no dependency cycle', async () => {
    const { stacks } = await buildTestStacks({ environments: ALL_ENVIRONMENTS, only: name });
    expect(dependencyCycles(Template.fromStack(stacks[0]).toJSON() as DependencyTemplate)).toEqual([]);
  });
});

describe('Given the template the Lambda rollout synthesized before its cycle was broken (trimmed fixture)', () => {
  test('When checked, then the alias, the CodeDeploy application and group and the rollout policy form one cycle', () => {
    const template = JSON.parse(readFileSync(FIXTURE, 'utf8')) as DependencyTemplate;
    expect(dependencyCycles(template)).toEqual([['InferenceLiveAlias1BFE6427', 'Rollout8D0A9AE8', 'RolloutApplicationC1BC8D3F', 'RolloutServiceRolePolicy9487CA2E']]);
  });
});

describe('Given templates whose cycle runs through one kind of reference', () => {
  const pair = (a: object, b: object): DependencyTemplate => ({ Resources: { A: { Properties: a }, B: { Properties: b } } });

  test.each([
    ['Ref', { P: { Ref: 'B' } }],
    ['Fn::GetAtt (list)', { P: { 'Fn::GetAtt': ['B', 'Arn'] } }],
    ['Fn::GetAtt (string)', { P: { 'Fn::GetAtt': 'B.Arn' } }],
    ['Fn::Sub ${X}', { P: { 'Fn::Sub': 'arn:${AWS::Partition}:x:::${B}' } }],
    ['Fn::Sub ${X.Attr}', { P: { 'Fn::Sub': '${B.Arn}/*' } }],
    ['Fn::Sub with a variable map', { P: { 'Fn::Sub': ['${Name}', { Name: { Ref: 'B' } }] } }],
    ['a reference nested in Fn::Join', { P: { 'Fn::Join': ['', [{ Ref: 'B' }]] } }],
  ])('When A names B through %s and B refers to A, then the cycle is found', (_kind, properties) => {
    expect(dependencyCycles(pair(properties, { P: { Ref: 'A' } }))).toEqual([['A', 'B']]);
  });

  test('When A DependsOn B and B refers to A, then the cycle is found', () => {
    expect(dependencyCycles({ Resources: { A: { DependsOn: ['B'] }, B: { Properties: { P: { Ref: 'A' } } } } })).toEqual([['A', 'B']]);
  });

  test('When A\'s UpdatePolicy names B and B DependsOn A, then the cycle is found', () => {
    expect(dependencyCycles({ Resources: { A: { UpdatePolicy: { U: { Ref: 'B' } } }, B: { DependsOn: 'A' } } })).toEqual([['A', 'B']]);
  });

  test('When a resource depends on itself, then that is a cycle', () => {
    expect(dependencyCycles({ Resources: { A: { Properties: { P: { 'Fn::GetAtt': ['A', 'Arn'] } } } } })).toEqual([['A']]);
  });

  test('When references point only forward or at parameters, escaped text and bound names, then there is no cycle', () => {
    const template: DependencyTemplate = {
      Resources: {
        A: { Properties: { P: { Ref: 'B' }, Q: { Ref: 'AWS::Region' }, R: { 'Fn::Sub': ['${!A}${Bound}', { Bound: 'x' }] } } },
        B: { Properties: { P: { Ref: 'SomeParameter' } } },
      },
    };
    expect(dependencyCycles(template)).toEqual([]);
  });
});
