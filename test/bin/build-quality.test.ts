/**
 * The shipped prod environment runs the quality job, and the training profile reaches it from the model folder:
 * a drift alarm per numeric feature of the example's profile.json, with no `profile` in the config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TrainingProfileSchema } from '../../lambda/records/training-profile';
import { environments } from '../../config/environments';
import { PROJECT_ROOT } from '../support/app';
import { buildTestStacks } from '../support/stacks';

test("Given the shipped prod environment, then it has a drift alarm per numeric feature of its model folder's profile.json", async () => {
  const { stacks } = await buildTestStacks({ only: 'prod' });
  const template = Template.fromStack(stacks[0]);
  const profile = TrainingProfileSchema.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, environments.prod.model.directory, 'profile.json'), 'utf8')));
  const numeric = Object.entries(profile.features).filter(([, f]) => f.kind === 'numeric').map(([name]) => name);
  expect(numeric.length).toBeGreaterThan(0);
  for (const feature of numeric) {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp(`Feature "${feature}" has drifted from its training distribution`) });
  }
  template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp("^\\[warning\\] Feature \"[^\"]+\" has drifted") }, numeric.length);
  template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', Description: Match.stringLikeRegexp('quality job') });
});
