// Per-server history for the sparklines: requests per second (from the Received counter between two
// polls) and ZooKeeper's average latency. A counter that goes down (srst, a restart) leaves a gap
// instead of a negative rate.
import type {ServerSnapshot} from './types.js'

export interface Sample {
  at: number
  reqPerSec: number | null
  avgLatency: number | null
}

export class ServerHistory {
  readonly samples: Sample[] = []
  private last?: {at: number; received: number}

  constructor(readonly capacity = 120) {}

  add(s: ServerSnapshot): void {
    let rate: number | null = null
    const received = s.stats?.received
    if (received !== undefined && this.last && received >= this.last.received && s.at > this.last.at) {
      rate = ((received - this.last.received) * 1000) / (s.at - this.last.at)
    }
    this.last = received !== undefined ? {at: s.at, received} : undefined
    this.push({at: s.at, reqPerSec: rate, avgLatency: s.stats?.latencyAvg ?? null})
  }

  private push(sample: Sample): void {
    this.samples.push(sample)
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity)
  }

  latestRate(): number | null {
    for (let i = this.samples.length - 1; i >= 0; i--) if (this.samples[i]!.reqPerSec !== null) return this.samples[i]!.reqPerSec
    return null
  }
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']
const ASCII = ['_', '.', '-', '~', '=', '+', '*', '#']

/**
 * The last `width` values as a sparkline, right-aligned; gaps (null) are blanks. Scaled from 0 to
 * the maximum shown, but at least `floor`, so that a nearly idle server (zktop's own polls) is a low
 * line rather than a wall of full blocks.
 */
/** Scale floors: 10 requests per second, 1 ms of latency. */
export const RATE_FLOOR = 10
export const LATENCY_FLOOR = 1

export function sparkline(values: (number | null)[], width: number, unicode = true, floor = 0): string {
  if (width <= 0) return ''
  const shown = values.slice(-width)
  const max = Math.max(floor, ...shown.filter((v): v is number => v !== null))
  const glyphs = unicode ? BLOCKS : ASCII
  const line = shown.map((v) => {
    if (v === null) return ' '
    if (max === 0) return glyphs[0]
    return glyphs[Math.min(glyphs.length - 1, Math.floor((v / max) * (glyphs.length - 1) + 0.5))]
  }).join('')
  return line.padStart(width, ' ')
}
