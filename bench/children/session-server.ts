/**
 * Diagnostic middle point of the throughput benchmark: the bare `node:http` server plus one `session.run` of the
 * same model (loaded by the runtime's `loadModelFromDirectory`, same session options) on a fixed, pre-built
 * tensor per request; answers the same fixed bytes as the bare server. modelstack minus this server is what the
 * serving code costs under load; this minus bare is what onnxruntime costs.
 */
import * as http from 'node:http';
import { Tensor } from 'onnxruntime-node';
import { loadModelFromDirectory } from '../../lambda/core/model';
import { guardChild, serveOnLoopback } from './guard';

guardChild();
const dir = process.env.BENCH_MODEL_DIR;
if (dir === undefined || dir === '') {
  process.stderr.write('BENCH_MODEL_DIR is not set\n');
  process.exit(2);
}
const body = process.env.BENCH_RESPONSE_BODY ?? '{}';
const length = Buffer.byteLength(body);

loadModelFromDirectory(dir).then(
  (model) => {
    const tensor = new Tensor('float32', new Float32Array(model.featureCount), [1, model.featureCount]);
    const feeds = { [model.inputName]: tensor };
    const session = model.session;
    const server = http.createServer({ keepAlive: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        Buffer.concat(chunks);
        session.run(feeds).then(
          () => {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
            res.end(body);
          },
          (error: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: String(error) }));
          },
        );
      });
    });
    serveOnLoopback(server);
  },
  (error: unknown) => {
    process.stderr.write(`session server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
