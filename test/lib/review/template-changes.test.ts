/** Resource, IAM and security-group changes between two templates, as `cdk diff` sees them (offline). */
import type { CfnTemplate } from '../../../lib/cost/cloudformation-template';
import { templateChanges } from '../../../lib/review/template-changes';

const bucket = (name: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: name } });
const group = (ingress: unknown[]) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'endpoint', SecurityGroupIngress: ingress } });

describe('Given two templates of one stack', () => {
  test('When a bucket is renamed, then it is reported replaced, naming the property that replaces it', () => {
    const changes = templateChanges({ Resources: { Data: bucket('a') } }, { Resources: { Data: bucket('b') } });
    expect(changes.resources).toEqual([{ logicalId: 'Data', resourceType: 'AWS::S3::Bucket', change: 'replaced', properties: [{ name: 'BucketName', before: 'a', after: 'b', replaces: true }] }]);
  });

  test('When an ingress rule is opened to the internet, then it is a security-group change', () => {
    const open = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' };
    const changes = templateChanges({ Resources: { Group: group([]) } } as CfnTemplate, { Resources: { Group: group([open]) } } as CfnTemplate);
    expect(changes.securityGroups[0]).toEqual(['', 'Group', 'Dir', 'Protocol', 'Peer']);
    expect(changes.securityGroups[1]).toEqual(['+', '${Group.GroupId}', 'In', 'TCP 443', 'Everyone (IPv4)']);
  });

  test('When a stack appears, then each of its resources is added', () => {
    const changes = templateChanges({}, { Resources: { Data: bucket('a') } });
    expect(changes.resources.map((r) => r.change)).toEqual(['added']);
  });

  test('When a role loses a statement, then the IAM table lists its removal and permissions are not broadened', () => {
    const role = (actions: string[]) => ({
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: actions.map((action) => ({ Effect: 'Allow', Action: action, Resource: '*' })) } }],
      },
    });
    const changes = templateChanges({ Resources: { Role: role(['s3:GetObject', 's3:PutObject']) } }, { Resources: { Role: role(['s3:GetObject']) } });
    expect(changes.iamStatements.slice(1)).toEqual([['-', '*', 'Allow', 's3:PutObject', 'AWS:${Role}', '']]);
    expect(changes.permissionsBroadened).toBe(false);
  });
});
