import { createBatch, packFindings, NAG_PACKS } from '../../support/batch';
test('x', () => {
  const { stack } = createBatch();
  for (const pack of Object.keys(NAG_PACKS) as (keyof typeof NAG_PACKS)[]) console.log(pack, packFindings(stack, pack, 'Test/Batch'));
  const { Template } = require('aws-cdk-lib/assertions');
  const t = Template.fromStack(stack).toJSON();
  const sm = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::StepFunctions::StateMachine') as any;
  console.log(JSON.stringify(sm.Properties.DefinitionString).slice(0, 3000));
  const pols = Object.entries(t.Resources).filter(([k, r]: any) => r.Type === 'AWS::IAM::ManagedPolicy' && k.includes('Batch'));
  console.log(JSON.stringify(pols, null, 1).slice(0, 6000));
});
