/**
 * A TCP relay in front of a test Redis, to lose Redis one connection at a time: a worker's blocking
 * connection (the one that waits in BZPOPMIN) can be cut while its main connection stays open but
 * unanswered. That is how a Redis that dies looks to a process that has not yet read every socket's
 * end, the state in which BullMQ's graceful close used to wait for ever. It can also hold one
 * connection's commands after a given one, to run another client's commands in between.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Has sent BZPOPMIN: BullMQ's blocking connection. */
  blocking: boolean;
  /** Commands held back (see holdAfter), or null: passed on as they come. */
  held: Buffer[] | null;
}

export interface HeldConnection {
  /** Passes on what was held, and what comes after. */
  release(): void;
}

export interface RedisProxy {
  /** The relay's URL for a Redis database number. */
  url(db: number): string;
  /** Whether a connection through the relay has waited in BZPOPMIN yet. */
  blockingSeen(): boolean;
  /**
   * Redis lost, unevenly: new connections are refused, the blocking connections are cut, and every
   * other connection stays open with nothing passed either way.
   */
  cutBlockingAndFreeze(): void;
  /**
   * Passes on the next write that matches `command` (its RESP bytes, latin1) and holds what its
   * connection sends after it (its replies still come back): to the client, Redis is slow from
   * there. Resolves once that command has been passed on.
   */
  holdAfter(command: RegExp): Promise<HeldConnection>;
  /** Ends every connection and the listener. */
  close(): Promise<void>;
}

export async function startRedisProxy(targetPort: number): Promise<RedisProxy> {
  const pairs: Pair[] = [];
  let frozen = false;
  let hold: { command: RegExp; found(held: HeldConnection): void } | null = null;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, blocking: false, held: null };
    pairs.push(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => {
      // RESP sends the command name as a bulk string: plain bytes in the stream.
      const text = chunk.toString('latin1');
      if (/bzpopmin/i.test(text)) pair.blocking = true;
      if (pair.held) {
        pair.held.push(chunk);
        return;
      }
      if (!frozen) upstream.write(chunk);
      if (hold?.command.test(text)) {
        const { found } = hold;
        hold = null;
        pair.held = [];
        found({
          release() {
            const held = pair.held ?? [];
            pair.held = null;
            for (const c of held) upstream.write(c);
          },
        });
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: (db) => `redis://127.0.0.1:${port}/${db}`,
    blockingSeen: () => pairs.some((p) => p.blocking && !p.client.destroyed),
    cutBlockingAndFreeze() {
      frozen = true;
      // Stops listening at once (the connections already open are kept).
      server.close();
      for (const p of pairs.filter((q) => q.blocking)) {
        p.client.destroy();
        p.upstream.destroy();
      }
    },
    holdAfter(command) {
      return new Promise((found) => {
        hold = { command, found };
      });
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
