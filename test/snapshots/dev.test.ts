import { normalizedTemplate } from '../support/snapshot';

// Tripwire only: behaviour is asserted by the fine-grained tests. Review the diff, then `npx jest -u`.
test('The dev template matches its reviewed snapshot', async () => {
  expect(await normalizedTemplate('dev')).toMatchSnapshot();
});
