import { describe, expect, it } from 'vitest';
import { Router } from '../../src/app/router.js';

const h = (name: string) => Object.assign(() => {}, { label: name });

describe('router', () => {
  it('matches exact paths, then the longest /* prefix; other methods get 405', () => {
    const r = new Router();
    const root = h('root');
    const api = h('api');
    const playground = h('playground');
    r.add({ method: 'GET', path: '/', handler: root });
    r.add({ method: 'POST', path: '/api/*', handler: api });
    r.add({ method: 'POST', path: '/api/playground/*', handler: playground });
    expect(r.match('GET', '/')).toBe(root);
    expect(r.match('POST', '/api/playground/threads')).toBe(playground);
    expect(r.match('POST', '/api/other')).toBe(api);
    expect(r.match('GET', '/api/other')).toBe('method_not_allowed');
    expect(r.match('POST', '/')).toBe('method_not_allowed');
    expect(r.match('GET', '/missing')).toBeUndefined();
  });

  it('refuses two channels claiming the same route', () => {
    const r = new Router();
    r.add({ method: 'POST', path: '/slack/events', handler: h('a') });
    expect(() => r.add({ method: 'POST', path: '/slack/events', handler: h('b') })).toThrow(
      /Two channels want POST \/slack\/events/,
    );
  });
});
