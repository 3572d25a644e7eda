/** OTLP/HTTP export to a loopback collector: what the app turns on when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { startOtlpTelemetry, TelemetrySetupError } from '../../src/telemetry/otlp.js';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();
const received: { path: string; body: string; type: string }[] = [];
const collector = createServer((req: IncomingMessage, res) => {
  const parts: Buffer[] = [];
  req.on('data', (p: Buffer) => parts.push(p));
  req.on('end', () => {
    received.push({
      path: req.url ?? '',
      body: Buffer.concat(parts).toString('utf8'),
      type: String(req.headers['content-type']),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('OTLP export', () => {
  it('sends the turn’s spans and the metrics to the collector as OTLP/HTTP JSON', async () => {
    const telemetry = await startOtlpTelemetry({ endpoint: `${endpoint}/`, serviceName: 'baton-test' });
    try {
      s.server.enqueue({
        text: 'Hello! How can I help?',
        usage: { prompt_tokens: 42, completion_tokens: 6 },
      });
      await createCustomerSupportWorkflow({ model: s.model() }).run('hello');
      await telemetry.forceFlush();
    } finally {
      await telemetry.shutdown();
    }
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]!.type).toContain('application/json');
    const body = traces.map((t) => t.body).join('');
    expect(body).toContain('invoke_workflow customer_support_handoff');
    expect(body).toContain('chat gpt-test');
    expect(body).toContain('baton-test');
    const metricBody = received
      .filter((r) => r.path === '/v1/metrics')
      .map((r) => r.body)
      .join('');
    expect(metricBody).toContain('gen_ai.client.token.usage');
    expect(metricBody).toContain('baton.turns');
  });

  it('refuses an endpoint that is not an http(s) URL', async () => {
    await expect(startOtlpTelemetry({ endpoint: '127.0.0.1:4318' })).rejects.toThrow(TelemetrySetupError);
  });
});
