import { templatePieces } from '../support/snapshot';

// Tripwire only: behaviour is asserted by the fine-grained tests. One snapshot per template section and resource
// type, so a change shows up under the name of what changed. Review the diff, then `npx jest test/snapshots -u`.
const pieces = templatePieces('staging');

test.each(Object.keys(pieces))('The staging template: %s matches its reviewed snapshot', (name) => {
  expect(pieces[name]).toMatchSnapshot();
});
