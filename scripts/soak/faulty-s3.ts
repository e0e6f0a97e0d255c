/**
 * A loopback "S3" whose behaviour can change while a client uses it: it accepts connections and then never answers
 * (`hang`), forwards to a real S3-compatible server late (`slow`) or at once (`forward`), or answers S3's XML error
 * for 403 AccessDenied or 500 InternalError. Used by the soak's fault scenarios and the handler's tests.
 */
import * as net from 'node:net';

/** What the server does with the next connections. */
export type FaultMode = 'hang' | 'slow' | 'forward' | 'error403' | 'error500';

const ERRORS = {
  error403: { status: '403 Forbidden', code: 'AccessDenied', message: 'Access Denied' },
  error500: { status: '500 Internal Server Error', code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
} as const;

export class FaultyS3 {
  /** Applies to connections accepted from now on. */
  mode: FaultMode = 'hang';
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  /**
   * @param upstreamPort the real S3-compatible server (s3rver) of `forward` and `slow`
   * @param slowMs how long `slow` waits before it forwards a connection
   */
  constructor(
    private readonly upstreamPort: number,
    private readonly slowMs = 2000,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1 and resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const mode = this.mode;
    if (mode === 'hang') return;
    if (mode === 'error403' || mode === 'error500') {
      const { status, code, message } = ERRORS[mode];
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      socket.once('data', () => {
        socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/xml\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      });
      return;
    }
    socket.pause();
    const forward = (): void => {
      const upstream = net.connect(this.upstreamPort, '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
      socket.resume();
    };
    if (mode === 'slow') setTimeout(forward, this.slowMs).unref();
    else forward();
  }
}
