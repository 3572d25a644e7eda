/**
 * The Azure Bot registration for Teams. The Bicep compiler downloads itself and Azure validation needs
 * credentials, so neither runs offline: the file is parsed for what must hold (resource types, parameters,
 * single-tenant app type, the Teams channel) and the real build belongs to a networked pipeline.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const bicep = readFileSync(new URL('../../infra/teams/azure-bot.bicep', import.meta.url), 'utf8');
/** Without `//` comments, so documentation never satisfies a check. */
const code = bicep
  .split('\n')
  .map((line) => line.replace(/\/\/.*$/, ''))
  .join('\n');

const params = [...code.matchAll(/^param\s+(\w+)\s+(\w+)/gm)].map((m) => ({ name: m[1], type: m[2] }));
const resources = [...code.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@([\d-]+(?:-preview)?)'/gm)].map((m) => ({
  symbol: m[1],
  type: m[2],
  apiVersion: m[3],
}));

/** The body of `resource <symbol> ... = { ... }` (balanced braces). */
function resourceBody(symbol: string): string {
  const start = code.search(new RegExp(`^resource\\s+${symbol}\\b`, 'm'));
  const open = code.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    if (code[i] === '}' && --depth === 0) return code.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces in resource ${symbol}`);
}

describe('infra/teams/azure-bot.bicep', () => {
  it('declares the Azure Bot and its Teams channel', () => {
    expect(resources.map((r) => r.type)).toEqual([
      'Microsoft.BotService/botServices',
      'Microsoft.BotService/botServices/channels',
    ]);
    for (const r of resources) expect(r.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('takes the app id, tenant and messaging endpoint as string parameters', () => {
    for (const name of ['botName', 'msaAppId', 'msaAppTenantId', 'messagingEndpoint']) {
      expect(params).toContainEqual({ name, type: 'string' });
    }
  });

  it('registers a global, single-tenant azurebot pointing at the endpoint parameter', () => {
    const bot = resourceBody('bot');
    expect(bot).toMatch(/\bkind:\s*'azurebot'/);
    expect(bot).toMatch(/\blocation:\s*'global'/);
    expect(bot).toMatch(/\bmsaAppType:\s*'SingleTenant'/);
    expect(bot).toMatch(/\bmsaAppId:\s*msaAppId\b/);
    expect(bot).toMatch(/\bmsaAppTenantId:\s*msaAppTenantId\b/);
    expect(bot).toMatch(/\bendpoint:\s*messagingEndpoint\b/);
    expect(code).not.toMatch(/MultiTenant/);
  });

  it('turns the Microsoft Teams channel on as a child of the bot', () => {
    const channel = resourceBody('teamsChannel');
    expect(channel).toMatch(/\bparent:\s*bot\b/);
    expect(channel).toMatch(/\bname:\s*'MsTeamsChannel'/);
    expect(channel).toMatch(/\bchannelName:\s*'MsTeamsChannel'/);
    expect(channel).toMatch(/\bisEnabled:\s*true/);
  });

  it('keeps the braces balanced and holds no secret', () => {
    expect((code.match(/{/g) ?? []).length).toBe((code.match(/}/g) ?? []).length);
    expect(code).not.toMatch(/msaAppPassword|clientSecret|password/i);
  });
});
