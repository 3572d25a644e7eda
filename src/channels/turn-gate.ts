/**
 * Admission of turns in one process: a bounded number run at once, the rest wait in arrival order, and a new
 * turn is let in only once per event-loop turn and only while the loop keeps up. A burst of new conversations
 * then cannot starve the HTTP server: Slack's acks (and Teams' 200s) are answered between admissions instead of
 * after every turn's store and model work has been started.
 */

export interface TurnGateOptions {
  /**
   * Turns running at once in this process (default 32); the others wait, first come first served. `0` turns the
   * gate off: every turn starts at once, unpaced (what Baton did before the gate).
   */
  maxConcurrent?: number;
  /**
   * The event-loop delay above which admissions pause (default 20 ms): while the loop is this late, the CPU is
   * already busy with admitted turns, and starting more would only delay the requests waiting to be answered.
   */
  maxLoopDelayMs?: number;
}

export const DEFAULT_MAX_CONCURRENT_TURNS = 32;
const DEFAULT_MAX_LOOP_DELAY_MS = 20;
/** How long admissions pause when the loop is late, before it is measured again. */
const BACKOFF_MS = 5;

export class TurnGate {
  readonly maxConcurrent: number;
  private readonly maxLoopDelayMs: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private pumping = false;

  constructor(options: TurnGateOptions = {}) {
    const max = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_TURNS;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`maxConcurrent must be a whole number ≥ 0 (0: no limit) (got ${max}).`);
    }
    const delay = options.maxLoopDelayMs ?? DEFAULT_MAX_LOOP_DELAY_MS;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new RangeError(`maxLoopDelayMs must be a number of milliseconds ≥ 0 (got ${delay}).`);
    }
    this.maxConcurrent = max;
    this.maxLoopDelayMs = delay;
  }

  /** Turns running now. */
  get active(): number {
    return this.running;
  }

  /** Turns waiting to be admitted. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` once admitted; its slot is freed however it ends. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.maxConcurrent === 0) return work();
    await new Promise<void>((admit) => {
      this.waiting.push(admit);
      this.pump();
    });
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.pump();
    }
  }

  /** Admits at most one waiter per event-loop turn, measuring how late the loop is as it goes. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const scheduled = performance.now();
    setImmediate(() => {
      const late = performance.now() - scheduled;
      if (this.waiting.length === 0 || this.running >= this.maxConcurrent) {
        this.pumping = false;
        return;
      }
      // The first waiter goes in whatever the delay (something must make progress); later ones wait for the
      // loop to catch up.
      if (late > this.maxLoopDelayMs && this.running > 0) {
        setTimeout(() => {
          this.pumping = false;
          this.pump();
        }, BACKOFF_MS);
        return;
      }
      this.running += 1;
      this.waiting.shift()!();
      this.pumping = false;
      this.pump();
    });
  }
}
