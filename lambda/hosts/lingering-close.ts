/**
 * A lingering close: how the local server closes a connection while the client may still be sending (the rest of
 * an oversized body, or a request sent just as the server shuts down).
 *
 * Closing a socket that has unread bytes in its receive buffer makes the kernel send a TCP reset, and a reset makes
 * the client's kernel drop what it had not read yet: the client sees `EPIPE` or `ECONNRESET` instead of the
 * response that was already on its way. Node's HTTP server does exactly that after a `Connection: close` response
 * (`socket.destroySoon()` destroys the socket once the response is flushed). A lingering close instead half-closes
 * (FIN after the response), keeps reading and discarding what the client still sends, and destroys the socket only
 * when the client has closed its side or a bound (bytes or time) is reached.
 */
import type { Socket } from 'node:net';

/** How long and how much a lingering close keeps reading before it destroys the socket. */
export interface LingerBounds {
  /** Most bytes discarded after the response. */
  readonly maxBytes: number;
  /** Longest wait for the client to close its side, in milliseconds. */
  readonly maxMs: number;
}

/** Default {@link LingerBounds}: enough for a client to read a 413 while it sends up to 64 MiB more. */
export const DEFAULT_LINGER: LingerBounds = { maxBytes: 64 * 1024 * 1024, maxMs: 2000 };

/** Sockets already lingering: a second call changes nothing. */
const lingering = new WeakSet<Socket>();

/**
 * Half-closes `socket` now (after whatever was written) and discards what still arrives, within `bounds`.
 * @see lingerOnClose to do this when Node closes the socket after the current response
 */
export function lingerThenClose(socket: Socket, bounds: LingerBounds = DEFAULT_LINGER): void {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  if (socket.writable) socket.end();
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), bounds.maxMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // The HTTP parser still reads the socket too (it feeds the rest of the body to the request, which is resumed);
  // this listener only counts.
  socket.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bounds.maxBytes) socket.destroy();
  });
  // The client's FIN ends the socket: nothing more to read, so it can go.
  socket.once('end', () => socket.destroy());
  socket.resume();
}

/**
 * Makes the close Node's HTTP server does after a `Connection: close` response on this socket a lingering one
 * (Node calls `socket.destroySoon()` there; it is replaced for this socket only).
 */
export function lingerOnClose(socket: Socket, bounds: LingerBounds = DEFAULT_LINGER): void {
  socket.destroySoon = () => lingerThenClose(socket, bounds);
}
