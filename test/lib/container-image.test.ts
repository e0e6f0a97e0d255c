/**
 * The container image's build: the base pinned by digest once, in container/Dockerfile, read by the CDK asset as
 * its BASE_IMAGE build argument (so a new digest is a new asset hash); the build context keeps the source map out.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE_IMAGE_ARG, ContainerImage, isDigestPinned, pinnedBaseImage } from '../../lib/container-image';
import { CONTAINER_DIR } from '../../lib/bundling/container-bundling';
import { createSageMaker, MANIFEST } from '../support/sagemaker';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface DockerImageSource {
  readonly directory: string;
  readonly dockerBuildArgs?: Record<string, string>;
}

/** The one Docker image asset of a synthesized SageMaker stack, with its hash. */
function imageAsset(props: Parameters<typeof createSageMaker>[0] = {}): { hash: string; source: DockerImageSource; assembly: string } {
  const { stack, app } = createSageMaker(props, { stageAssets: true });
  const assembly = app.synth();
  const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as { dockerImages: Record<string, { source: DockerImageSource }> };
  const [hash, image] = Object.entries(assets.dockerImages)[0];
  return { hash, source: image.source, assembly: assembly.directory };
}

function dockerfileWith(line: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-dockerfile-')), 'Dockerfile');
  fs.writeFileSync(file, `${line}\nFROM \${${BASE_IMAGE_ARG}}\n`);
  return file;
}

describe('Given container/Dockerfile', () => {
  test('When its base is read, then it is the ARG default, pinned by digest, and the only digest in the file', () => {
    const base = pinnedBaseImage();
    expect(isDigestPinned(base)).toBe(true);
    const text = fs.readFileSync(path.join(CONTAINER_DIR, 'Dockerfile'), 'utf8');
    expect(text.match(/sha256:[0-9a-f]{64}/g)).toEqual([base.slice(base.indexOf('@') + 1)]);
    expect(text).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
  });

  test('When it is read for the image, then it runs as an unprivileged user and does not enable source maps', () => {
    const text = fs.readFileSync(path.join(CONTAINER_DIR, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^USER 1000:1000$/m);
    expect(text).not.toContain('enable-source-maps');
  });

  test.each([
    ['no BASE_IMAGE argument', 'ARG OTHER=node:24-slim', /no 'ARG BASE_IMAGE=<image>@sha256:<digest>' line/],
    ['a tag without a digest', 'ARG BASE_IMAGE=node:24-slim', /BASE_IMAGE must be pinned by digest as <image>@sha256:<64 hex digits> \(got 'node:24-slim'\)/],
    ['a short digest', 'ARG BASE_IMAGE=node@sha256:abc', /must be pinned by digest .* \(got 'node@sha256:abc'\)/],
  ])('When it has %s, then reading the base fails naming the line to write', (_case, line, message) => {
    expect(() => pinnedBaseImage(dockerfileWith(line))).toThrow(message);
  });
});

describe('Given the default image asset', () => {
  test('When synthesized, then the pinned base is its BASE_IMAGE build argument', () => {
    expect(imageAsset().source.dockerBuildArgs).toEqual({ [BASE_IMAGE_ARG]: pinnedBaseImage() });
  });

  test('When another base digest is given, then the asset hash changes (cdk deploy builds a new image)', () => {
    const other = `registry.example.com/mirror/node:24-slim@${DIGEST}`;
    const pinned = imageAsset();
    const mirrored = imageAsset({ image: ContainerImage.fromAsset({ manifest: MANIFEST, baseImage: other }) });
    expect(mirrored.source.dockerBuildArgs).toEqual({ [BASE_IMAGE_ARG]: other });
    expect(mirrored.hash).not.toBe(pinned.hash);
  });

  test('When synthesized, then the build context has a .dockerignore keeping the Dockerfile and the source map out of the image', () => {
    const { source, assembly } = imageAsset();
    const ignore = fs.readFileSync(path.join(assembly, source.directory, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore', '**/*.map']));
  });

  test('When the base is not pinned by digest, then it is refused naming the property and the form', () => {
    expect(() => ContainerImage.fromAsset({ manifest: MANIFEST, baseImage: 'node:24-slim' })).toThrow(
      /baseImage must be an image pinned by digest, <image>@sha256:<64 hex digits>, .* \(got 'node:24-slim'\)/,
    );
  });
});
