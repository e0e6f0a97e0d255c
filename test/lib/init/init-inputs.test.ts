/** init's own files: a missing model or data file is an init error naming it, not a raw ENOENT. */
import { join } from 'node:path';
import { runInit } from '../../../lib/init/init';
import { InitError } from '../../../lib/init/init-error';

const EXAMPLES = join(__dirname, '../../../examples');

describe('Given files that are not there', () => {
  it('names a missing model', async () => {
    const model = join(EXAMPLES, 'absent', 'model.onnx');
    await expect(runInit({ model })).rejects.toThrow(new InitError(`the model ${model} does not exist`));
  });

  it('names missing --data', async () => {
    const data = join(EXAMPLES, 'iris', 'absent.csv');
    await expect(runInit({ model: join(EXAMPLES, 'iris', 'model.onnx'), data, out: join(EXAMPLES, 'absent') })).rejects.toThrow(new InitError(`--data ${data} does not exist`));
  });

  it('names a directory given as the model', async () => {
    const model = join(EXAMPLES, 'iris');
    await expect(runInit({ model })).rejects.toThrow(`the model ${model} is a directory, not a file`);
  });
});
