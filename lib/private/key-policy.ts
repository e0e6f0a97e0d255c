/**
 * The key policy every modelstack key starts from, instead of CDK's default (`kms:*` for the account root in one
 * statement): key administration and key use as separate statements, so each can be reviewed (and narrowed) on
 * its own, and grants only for AWS services acting for the account (`kms:GrantIsForAWSResource`). The account's
 * IAM policies still decide who may do either; service statements (CloudWatch Logs, SNS, ...) are added per key.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/** Managing the key's life, policy, aliases and tags; no cryptographic use, no grants. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:Describe*',
  'kms:Disable*',
  'kms:Enable*',
  'kms:Get*',
  'kms:List*',
  'kms:Put*',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:Update*',
];

/** Encrypting and decrypting with the key, as the account's IAM policies allow. */
export const KEY_USE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

/** Grants, which AWS services (S3, SageMaker, Lambda, ...) create to use the key for the account. */
export const KEY_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants'];

/** A new key policy with the three account statements; add service statements with `key.addToResourcePolicy`. */
export function separatedKeyPolicy(): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'KeyAdministrationByAccountPolicies', principals: [account], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'KeyUseByAccountPolicies', principals: [account], actions: KEY_USE_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'GrantsForAwsServicesOnly',
        principals: [account],
        actions: KEY_GRANT_ACTIONS,
        resources: ['*'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    ],
  });
}
