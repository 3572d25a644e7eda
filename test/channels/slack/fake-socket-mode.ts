/**
 * Slack's Socket Mode side on loopback, in its wire format: the WebSocket URL `apps.connections.open` hands
 * out, a `hello` on connect, then envelopes (`events_api`, `interactive`) the app must ack by `envelope_id`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export class FakeSocketMode {
  /** Connections opened (each `apps.connections.open` URL is used once). */
  readonly connections: WebSocket[] = [];
  private readonly acks = new Map<string, (ack: SocketAck) => void>();
  private connected: (() => void) | undefined;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly port: number,
  ) {
    server.on('connection', (socket, req) => {
      if (!(req.url ?? '').startsWith('/link/?ticket=')) {
        socket.close(1008, 'bad ticket');
        return;
      }
      this.connections.push(socket);
      socket.on('message', (data) => {
        const ack = JSON.parse(String(data)) as SocketAck;
        this.acks.get(ack.envelope_id)?.(ack);
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'applink-fake', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A_BATON' },
        }),
      );
      this.connected?.();
    });
  }

  static async start(): Promise<FakeSocketMode> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeSocketMode(server, (server.address() as AddressInfo).port);
  }

  /** What `apps.connections.open` answers with: a fresh ticket each time. */
  connectionUrl(): string {
    return `ws://127.0.0.1:${this.port}/link/?ticket=${randomUUID()}&app_id=A_BATON`;
  }

  /** Sends an envelope to the connected app; resolves with its ack (rejects if none within `timeoutMs`). */
  deliver(
    type: 'events_api' | 'interactive',
    payload: Record<string, unknown>,
    timeoutMs = 5000,
  ): Promise<SocketAck> {
    const socket = this.connections.at(-1);
    if (!socket) return Promise.reject(new Error('no Socket Mode connection'));
    const envelopeId = randomUUID();
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(envelopeId);
        reject(new Error(`envelope ${type} was not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        this.acks.delete(envelopeId);
        resolve(ack);
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: false,
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
    });
  }

  close(): Promise<void> {
    for (const socket of this.connections) socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
