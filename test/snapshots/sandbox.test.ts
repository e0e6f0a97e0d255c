import { normalizedTemplate } from '../support/snapshot';

// Tripwire only: behaviour is asserted by the fine-grained tests. Review the diff, then `npx jest -u`.
test('The sandbox template matches its reviewed snapshot', async () => {
  expect(await normalizedTemplate('sandbox')).toMatchSnapshot();
});
