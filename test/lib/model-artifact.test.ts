/**
 * The model checked against its manifest at synth (lib/model-artifact.ts): the same checks as the runtime's load,
 * so a ZipMap output or logits declared as probabilities fail `cdk synth` with the fix named.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../../lambda/core/manifest';
import { inspectModelArtifact } from '../../lib/model-artifact';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

async function problemsOf(modelPath: string, manifestPath: string): Promise<readonly string[]> {
  const error = await inspectModelArtifact(modelPath, manifestPath).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestError);
  return (error as ManifestError).problems;
}

describe('Given the exporter examples / When synth inspects them', () => {
  it.each([
    ['penguins-lightgbm', 'penguins-lightgbm'],
    ['digits-pytorch', 'digits-pytorch'],
    ['penguins-sklearn (rewritten by init)', 'penguins-sklearn/served'],
  ])('%s passes', async (_name, dir) => {
    const artifact = await inspectModelArtifact(join(EXAMPLES, dir, 'model.onnx'), join(EXAMPLES, dir, 'model.json'));
    expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the raw ZipMap model is refused, naming modelstack init', async () => {
    const modelPath = join(EXAMPLES, 'penguins-sklearn', 'model.onnx');
    const problems = await problemsOf(modelPath, join(EXAMPLES, 'penguins-sklearn', 'served', 'model.json'));
    expect(problems).toContainEqual(
      `output "output_probability" is a ZipMap (a sequence of maps), which onnxruntime-node cannot return ` +
        `(microsoft/onnxruntime#8007): run "npm run modelstack -- init ${modelPath}" to rewrite it so that the tensor ` +
        `"probabilities" feeding the ZipMap becomes the output (model: ${modelPath})`,
    );
  });

  it('logits declared as probabilities are refused by the probe, naming the softmax', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelstack-artifact-'));
    try {
      const manifest = JSON.parse(await readFile(join(EXAMPLES, 'digits-pytorch', 'model.json'), 'utf8')) as Record<string, unknown>;
      const { labels } = manifest.output as { labels: string[] };
      await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, output: { probabilities: 'logits', labels } }));
      const [problem] = await problemsOf(join(EXAMPLES, 'digits-pytorch', 'model.onnx'), join(dir, 'model.json'));
      expect(problem).toMatch(/^output\.probabilities: output "logits" does not hold probabilities \(row 0 sums to .*\): declare it as "logits": "logits" with "activation": "softmax"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Given a model folder / When synth inspects it', () => {
  it("with a profile.json, the artifact carries it as the quality monitor's default", async () => {
    const artifact = await inspectModelArtifact(join(EXAMPLES, 'iris', 'model.onnx'), join(EXAMPLES, 'iris', 'model.json'));
    expect(artifact.profile).toMatchObject({ model: { name: 'iris' }, data: { file: 'train.csv' } });
  });

  it('without one, the artifact has no profile', async () => {
    const artifact = await inspectModelArtifact(join(EXAMPLES, 'digits-pytorch', 'model.onnx'), join(EXAMPLES, 'digits-pytorch', 'model.json'));
    expect(artifact.profile).toBeUndefined();
  });

  it("with another model's profile.json, synth fails naming the file and the mismatch", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelstack-artifact-'));
    try {
      await writeFile(join(dir, 'model.json'), await readFile(join(EXAMPLES, 'iris', 'model.json')));
      await writeFile(join(dir, 'profile.json'), await readFile(join(EXAMPLES, 'diabetes', 'profile.json')));
      await expect(inspectModelArtifact(join(EXAMPLES, 'iris', 'model.onnx'), join(dir, 'model.json'))).rejects.toThrow(
        new RegExp(`${join(dir, 'profile.json').replace(/[.\\/]/g, '\\$&')} does not fit model "iris" 1.0.0: it is the profile of model "diabetes"`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
