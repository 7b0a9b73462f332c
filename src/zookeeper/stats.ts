// Server-wide counters behind stat/srvr/mntr (ZooKeeper's ServerStats).
export class LatencyStats {
  min = Number.MAX_SAFE_INTEGER
  max = 0
  total = 0
  count = 0
  /** The last SAMPLES values, for percentiles (ZooKeeper's summaries use a sliding window too). */
  private window: number[] = []
  private next = 0

  add(ms: number): void {
    if (ms < this.min) this.min = ms
    if (ms > this.max) this.max = ms
    this.total += ms
    this.count++
    if (this.window.length < SAMPLES) this.window.push(ms)
    else this.window[this.next++ % SAMPLES] = ms
  }

  reset(): void {
    this.min = Number.MAX_SAFE_INTEGER
    this.max = 0
    this.total = 0
    this.count = 0
    this.window = []
    this.next = 0
  }

  percentile(p: number): number {
    if (this.window.length === 0) return 0
    const sorted = [...this.window].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
  }

  minOrZero(): number {
    return this.count === 0 ? 0 : this.min
  }

  /** AvgMinMaxCounter.getAvg: rounded to 4 decimals, HALF_UP. */
  avg(): number {
    if (this.count === 0) return 0
    return Math.round((this.total / this.count) * 10000) / 10000
  }
}

const SAMPLES = 1024

export class ServerStats {
  packetsReceived = 0
  packetsSent = 0
  readonly latency = new LatencyStats()
  /** mntr summaries that this server measures, by ZooKeeper's metric name. */
  readonly summaries = {
    fsynctime: new LatencyStats(),
    sync_processor_batch_size: new LatencyStats(),
    readlatency: new LatencyStats(),
    updatelatency: new LatencyStats(),
    snapshottime: new LatencyStats(),
    dbinittime: new LatencyStats(),
  }
  authFailed = 0
  connectionRejected = 0
  largeRequestsRejected = 0
  bytesReceived = 0
  lastResponseSize = 0
  minResponseSize = Number.MAX_SAFE_INTEGER
  maxResponseSize = 0
  readonly startedAt = Date.now()

  reset(): void {
    this.packetsReceived = 0
    this.packetsSent = 0
    this.latency.reset()
  }

  responseSize(n: number): void {
    this.lastResponseSize = n
    if (n < this.minResponseSize) this.minResponseSize = n
    if (n > this.maxResponseSize) this.maxResponseSize = n
  }
}

/** Java's Double.toString for the plain values we print (1.0, 0.0, 1.0427). */
export function javaDouble(n: number): string {
  if (Number.isInteger(n)) return n.toFixed(1)
  return String(n)
}
