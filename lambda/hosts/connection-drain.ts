/**
 * Graceful shutdown of an HTTP server's connections, so that no request is cut mid-flight under keep-alive load.
 *
 * Node's `server.close()` destroys every connection that is idle at that instant. Under keep-alive load an idle
 * connection is often one whose client has just sent its next request, still unread in the socket: destroying it
 * resets the connection and that client gets `ECONNRESET` for a request the server never saw. Here instead:
 * - the listener stops accepting at once (new connections are refused: nothing was sent, a client retries safely);
 * - a request in flight, or arriving on an open connection, is answered, with `Connection: close`
 *   ({@link ConnectionDrain.closing} tells the server to add it);
 * - a connection that has been idle for `idleGraceMs` (counted from its last response) is half-closed (FIN, never
 *   a reset): a client that has not sent a request for that long is unlikely to be sending one at that instant;
 * - every close lingers ({@link lingerThenClose}) until the client closes its side;
 * - at the deadline whatever is left is destroyed, and the result says whether a request was still running.
 */
import type * as http from 'node:http';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { lingerOnClose, lingerThenClose } from './lingering-close';
import type { LingerBounds } from './lingering-close';

/** Default of {@link DrainOptions.idleGraceMs}. */
export const DEFAULT_IDLE_GRACE_MS = 1000;

/** Options of {@link ConnectionDrain}. */
export interface DrainOptions {
  /**
   * How long a connection must have been idle (since its last response) before the close half-closes it; a request
   * sent just before the client could see the close still arrives and is answered. @default DEFAULT_IDLE_GRACE_MS
   */
  readonly idleGraceMs?: number;
}

/** What {@link ConnectionDrain.close} found. */
export interface DrainResult {
  /** True when requests were still running at the deadline and their connections were cut. */
  readonly forced: boolean;
}

/** Requests in progress on each open connection. */
interface ConnectionState {
  busy: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** `performance.now()` of the connection's last request or response. */
  lastActive: number;
}

/** Tracks a server's connections and requests, and closes them gracefully. */
export class ConnectionDrain {
  private readonly connections = new Map<net.Socket, ConnectionState>();
  private readonly idleGraceMs: number;
  private requests = 0;
  private closeStarted = false;
  private settle: (() => void) | undefined;

  constructor(
    private readonly server: http.Server,
    options: DrainOptions = {},
  ) {
    this.idleGraceMs = options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS;
    server.on('connection', (socket: net.Socket) => this.onConnection(socket));
  }

  /** True once {@link close} began: every response from then on carries `Connection: close`. */
  get closing(): boolean {
    return this.closeStarted;
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.requests;
  }

  /** Call once for every request the server answers (from `request` and `checkContinue` alike). */
  track(req: http.IncomingMessage, res: http.ServerResponse): void {
    const state = this.connections.get(req.socket);
    this.requests++;
    if (state !== undefined) {
      state.busy++;
      state.lastActive = performance.now();
      clearTimeout(state.idleTimer);
      state.idleTimer = undefined;
    }
    res.once('close', () => {
      this.requests--;
      if (state !== undefined) {
        state.busy--;
        state.lastActive = performance.now();
      }
      this.check();
    });
  }

  /**
   * Stops accepting, lets the requests in flight and those arriving on open connections finish, closes idle
   * connections after the grace, and resolves once every connection is closed or `deadlineMs` passed.
   */
  async close(deadlineMs: number): Promise<DrainResult> {
    this.closeStarted = true;
    // net.Server's close: stop listening, without http.Server's closeIdleConnections() (which resets connections).
    net.Server.prototype.close.call(this.server);
    for (const [socket, state] of this.connections) {
      lingerOnClose(socket, this.lingerBounds(deadlineMs));
      if (state.busy === 0) this.closeWhenStillIdle(socket, state, deadlineMs);
    }
    const done = new Promise<void>((resolve) => (this.settle = resolve));
    this.check();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), deadlineMs))),
    ]);
    clearTimeout(timer);
    const forced = timedOut && this.requests > 0;
    for (const socket of this.connections.keys()) socket.destroy();
    // Now that nothing is idle, http.Server's close only stops its connection-checking timer.
    this.server.close();
    return { forced };
  }

  private onConnection(socket: net.Socket): void {
    const state: ConnectionState = { busy: 0, idleTimer: undefined, lastActive: performance.now() };
    this.connections.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.idleTimer);
      this.connections.delete(socket);
      this.check();
    });
    if (this.closeStarted) {
      // Accepted just before the listener closed.
      lingerOnClose(socket);
      this.closeWhenStillIdle(socket, state, this.idleGraceMs * 2);
    }
  }

  private closeWhenStillIdle(socket: net.Socket, state: ConnectionState, deadlineMs: number): void {
    clearTimeout(state.idleTimer);
    const idleFor = performance.now() - state.lastActive;
    state.idleTimer = setTimeout(() => {
      if (state.busy === 0) lingerThenClose(socket, this.lingerBounds(deadlineMs));
    }, Math.max(0, this.idleGraceMs - idleFor));
    state.idleTimer.unref();
  }

  private lingerBounds(deadlineMs: number): LingerBounds {
    return { maxBytes: 1024 * 1024, maxMs: Math.max(0, deadlineMs) };
  }

  private check(): void {
    if (this.closeStarted && this.connections.size === 0) this.settle?.();
  }
}
