// Time is injected so that retention, session expiry and rebalance timeouts can be tested without
// sleeping. Servers take a Clock; tests pass a ManualClock and advance it.
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): {cancel(): void}
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return {cancel: () => clearTimeout(t)}
  },
}

export class ManualClock implements Clock {
  private timers: {at: number; fn: () => void; cancelled: boolean}[] = []
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): {cancel(): void} {
    const timer = {at: this.time + ms, fn, cancelled: false}
    this.timers.push(timer)
    return {cancel: () => void (timer.cancelled = true)}
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.time + ms
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.time = Math.max(this.time, due.at)
      due.cancelled = true
      due.fn()
    }
    this.timers = this.timers.filter((t) => !t.cancelled)
    this.time = target
  }
}
