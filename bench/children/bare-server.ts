/**
 * Baseline of the throughput benchmark: a bare `node:http` server that reads the request body and answers a fixed
 * JSON body (the modelstack server's own response to the benchmark request, passed in `BENCH_RESPONSE_BODY`), so
 * both servers move the same bytes. Run as a child process (bundled, plain `node`), exactly like the modelstack one.
 */
import * as http from 'node:http';
import { guardChild, serveOnLoopback } from './guard';

guardChild();
const body = process.env.BENCH_RESPONSE_BODY ?? '{"predictions":[{"label":"benign","probabilities":{"malignant":0.01,"benign":0.99}}]}';
const length = Buffer.byteLength(body);

const server = http.createServer({ keepAlive: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    // Read the body as the real server does (one buffer), then answer.
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
    res.end(body);
  });
});
serveOnLoopback(server);
