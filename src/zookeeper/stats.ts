// Server-wide counters behind stat/srvr/mntr (ZooKeeper's ServerStats).
export class LatencyStats {
  min = Number.MAX_SAFE_INTEGER
  max = 0
  total = 0
  count = 0

  add(ms: number): void {
    if (ms < this.min) this.min = ms
    if (ms > this.max) this.max = ms
    this.total += ms
    this.count++
  }

  reset(): void {
    this.min = Number.MAX_SAFE_INTEGER
    this.max = 0
    this.total = 0
    this.count = 0
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

export class ServerStats {
  packetsReceived = 0
  packetsSent = 0
  readonly latency = new LatencyStats()
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
