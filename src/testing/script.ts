/**
 * The script queue: which item answers a request. Kept apart from the HTTP code so the matching
 * rules live in one short place.
 *
 * Rules: faults injected with `inject()` go first, in injection order, whatever the request. Then
 * the unconsumed items are scanned in order and the first whose `when` returns true — items
 * without `when` always match — is consumed; a non-matching item stays for later requests. If
 * none matches, the responder (if any) is asked.
 */
import type { RecordedRequest, ScriptedFault, ScriptItem } from './types.js';

const KNOWN_FAULTS: ReadonlySet<string> = new Set(['rate_limit', 'server_error', 'malformed_json', 'stall']);

export function isFault(item: ScriptItem): item is ScriptedFault {
  return 'fault' in item;
}

function describe(item: ScriptItem): string {
  if (item.label !== undefined) return JSON.stringify(item.label);
  return isFault(item) ? `fault ${item.fault}` : 'unlabelled turn';
}

/** Rejects items a typo would otherwise turn into a confusing response much later. */
export function validateItem(item: ScriptItem): void {
  if (typeof item !== 'object' || item === null) throw new TypeError('script item must be an object');
  if (isFault(item)) {
    if (!KNOWN_FAULTS.has(item.fault)) throw new TypeError(`unknown fault ${JSON.stringify(item.fault)}`);
    if (
      item.fault === 'server_error' &&
      item.status !== undefined &&
      !(item.status >= 400 && item.status <= 599)
    ) {
      throw new TypeError(`server_error status must be 400-599, got ${item.status}`);
    }
    return;
  }
  if (item.chunkSize !== undefined && !(Number.isInteger(item.chunkSize) && item.chunkSize > 0)) {
    throw new TypeError(`chunkSize must be a positive integer, got ${item.chunkSize}`);
  }
  if (item.delayMs !== undefined && !(item.delayMs >= 0)) {
    throw new TypeError(`delayMs must be >= 0, got ${item.delayMs}`);
  }
}

export class Script {
  private readonly injected: ScriptedFault[] = [];
  private readonly items: ScriptItem[] = [];

  constructor(
    private readonly responder: ((request: RecordedRequest) => ScriptItem | undefined) | undefined,
  ) {}

  get hasResponder(): boolean {
    return this.responder !== undefined;
  }

  enqueue(items: ScriptItem[]): void {
    for (const item of items) validateItem(item);
    this.items.push(...items);
  }

  /** Queues a fault ahead of every script item; its `when`, if any, is dropped. */
  inject(fault: ScriptedFault): void {
    validateItem(fault);
    const { when: _dropped, ...unconditional } = fault;
    this.injected.push(unconditional);
  }

  pending(): number {
    return this.injected.length + this.items.length;
  }

  clear(): void {
    this.injected.length = 0;
    this.items.length = 0;
  }

  /**
   * Consumes and returns the item that answers `request`, or undefined when nothing does.
   * Throws (consuming nothing) when a `when` or the responder throws, or the responder's item is invalid.
   */
  take(request: RecordedRequest): ScriptItem | undefined {
    const injected = this.injected.shift();
    if (injected !== undefined) return injected;
    const index = this.items.findIndex((item) => {
      if (item.when === undefined) return true;
      try {
        return item.when(request);
      } catch (error) {
        throw new Error(
          `Scripted OpenAI server: the \`when\` of script item ${describe(item)} threw: ${String(error)}`,
        );
      }
    });
    if (index >= 0) return this.items.splice(index, 1)[0];
    if (this.responder === undefined) return undefined;
    let answer: ScriptItem | undefined;
    try {
      answer = this.responder(request);
    } catch (error) {
      throw new Error(`Scripted OpenAI server: the responder threw: ${String(error)}`);
    }
    if (answer !== undefined) validateItem(answer);
    return answer;
  }
}
