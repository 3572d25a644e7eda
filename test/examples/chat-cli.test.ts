import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();
const cli = join(import.meta.dirname, '../../examples/chat.ts');

function runChat(
  args: string[],
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

describe('examples/chat.ts', () => {
  it('plays the seed loop against an OpenAI-compatible server: handoff, approval, answer', async () => {
    s.server.enqueue(
      { toolCalls: [{ name: 'handoff_to_refund_agent', arguments: { reason: 'damaged order' } }] },
      { toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }] },
      { text: 'Your refund for order 1234 is on its way.' },
    );
    const { code, out } = await runChat(['customer-support'], 'My order 1234 arrived damaged\ny\n\n', {
      OPENAI_BASE_URL: s.server.baseURL,
      OPENAI_MODEL: 'scripted',
    });
    expect(code).toBe(0);
    expect(out).toContain('[triage_agent → refund_agent · damaged order]');
    expect(out).toContain('Approve process_refund({"order_number":"1234"})? (y/n):');
    expect(out).toContain('refund_agent: Your refund for order 1234 is on its way.');
    expect(out).toContain('[conversation ended]');
    expect(
      s.server.requests
        .at(-1)!
        .messages.some(
          (m) => m.role === 'tool' && m.content === 'Refund processed successfully for order 1234.',
        ),
    ).toBe(true);
  });

  it('says how to connect a model when none is configured', async () => {
    const { code, err } = await runChat([], '', {});
    expect(code).toBe(2);
    expect(err).toMatch(/Set OPENAI_API_KEY .* run `npm start`/);
  });
});
