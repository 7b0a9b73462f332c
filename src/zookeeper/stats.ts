// Server-wide counters behind stat/srvr/mntr (ZooKeeper's ServerStats).
export class LatencyStats {
  /** percentiles: keep a window of recent values (mntr's p50/p95/p99/p999 summaries). */
  constructor(private readonly percentiles = true) {}

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
    if (!this.percentiles) return
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

const summary = () => new LatencyStats(false)
const percentiles = () => new LatencyStats(true)

export class ServerStats {
  packetsReceived = 0
  packetsSent = 0
  readonly latency = new LatencyStats()
  /**
   * mntr summaries that this server measures, by ZooKeeper's metric name (the others print 0).
   * Where ZooKeeper has a stage that ours does without (a prep queue, a request throttler), the
   * time spent there is recorded as the 0 it is here, so the counts still match ZooKeeper's.
   */
  readonly summaries = {
    fsynctime: summary(),
    sync_processor_batch_size: summary(),
    snapshottime: summary(),
    dbinittime: summary(),
    startup_snap_load_time: summary(),
    startup_txns_loaded: summary(),
    startup_txns_load_time: summary(),
    connection_token_deficit: summary(),
    node_created_watch_count: summary(),
    node_deleted_watch_count: summary(),
    node_changed_watch_count: summary(),
    node_children_watch_count: summary(),
    prep_processor_queue_size: summary(),
    sync_processor_queue_size: summary(),
    prep_process_time: summary(),
    proposal_process_time: summary(),
    close_session_prep_time: summary(),
    sync_process_time: summary(),
    readlatency: percentiles(),
    updatelatency: percentiles(),
    prep_processor_queue_time_ms: percentiles(),
    request_throttle_queue_time_ms: percentiles(),
    propagation_latency: percentiles(),
    sync_processor_queue_time_ms: percentiles(),
    sync_processor_queue_flush_time_ms: percentiles(),
    sync_processor_queue_and_flush_time_ms: percentiles(),
  }
  /** zk_<namespace>_read_per_namespace / _write_per_namespace, by top-level znode. */
  readonly readPerNamespace = new Map<string, LatencyStats>()
  readonly writePerNamespace = new Map<string, LatencyStats>()
  authFailed = 0
  connectionRejected = 0
  largeRequestsRejected = 0
  bytesReceived = 0
  lastResponseSize = 0
  minResponseSize = Number.MAX_SAFE_INTEGER
  maxResponseSize = 0
  /** Requests into the pipeline (ZooKeeper's prep and sync processors see every one). */
  requestsQueued = 0
  outstandingChangesQueued = 0
  outstandingChangesRemoved = 0
  connectionRequests = 0
  responseBytes = 0
  watchBytes = 0
  /** fsyncs slower than fsync.warningthresholdms (1 s), which ZooKeeper logs and counts. */
  fsyncThresholdExceeded = 0
  connectionDrops = 0
  sessionsExpired = 0
  sessionlessConnectionsExpired = 0
  readonly startedAt = Date.now()

  /** srst: ServerStats.reset, which in 3.8 also resets every metric. */
  reset(): void {
    this.packetsReceived = 0
    this.packetsSent = 0
    this.latency.reset()
    for (const m of Object.values(this.summaries)) m.reset()
    this.readPerNamespace.clear()
    this.writePerNamespace.clear()
    this.lastResponseSize = 0
    this.minResponseSize = Number.MAX_SAFE_INTEGER
    this.maxResponseSize = 0
    this.authFailed = 0
    this.connectionRejected = 0
    this.largeRequestsRejected = 0
    this.bytesReceived = 0
    this.requestsQueued = 0
    this.outstandingChangesQueued = 0
    this.outstandingChangesRemoved = 0
    this.connectionRequests = 0
    this.responseBytes = 0
    this.watchBytes = 0
    this.fsyncThresholdExceeded = 0
    this.connectionDrops = 0
    this.sessionsExpired = 0
    this.sessionlessConnectionsExpired = 0
  }

  /**
   * A request entered the pipeline. ZooKeeper queues every request (reads and pings too) for its
   * throttler, then prep, then sync; ours has no throttler and preps on arrival, so those queue
   * times and sizes are the 0 they are here.
   */
  requestQueued(): void {
    this.requestsQueued++
    this.summaries.request_throttle_queue_time_ms.add(0)
    this.summaries.prep_processor_queue_size.add(0)
    this.summaries.prep_processor_queue_time_ms.add(0)
  }

  /** A read: it goes through ZooKeeper's prep and sync without work; here it skips them. */
  readQueued(syncQueueSize: number): void {
    this.requestQueued()
    this.summaries.prep_process_time.add(0)
    this.summaries.proposal_process_time.add(0)
    this.summaries.sync_processor_queue_size.add(syncQueueSize)
    this.summaries.sync_processor_queue_time_ms.add(0)
  }

  responseSize(n: number): void {
    this.lastResponseSize = n
    if (n < this.minResponseSize) this.minResponseSize = n
    if (n > this.maxResponseSize) this.maxResponseSize = n
  }

  /** A watch trigger that reached watchers (WatchManager.triggerWatch's per-type counts). */
  watchesFired(type: number, count: number): void {
    const m = [null, this.summaries.node_created_watch_count, this.summaries.node_deleted_watch_count,
      this.summaries.node_changed_watch_count, this.summaries.node_children_watch_count][type]
    m?.add(count)
  }

  /** DataTree.updateReadStat: path length + bytes read + the 68 bytes of a Stat. */
  namespaceRead(path: string, bytes: number): void {
    perNamespace(this.readPerNamespace, path, path.length + bytes + 68)
  }

  /** DataTree.updateWriteStat: path length + bytes written. */
  namespaceWrite(path: string, bytes: number): void {
    perNamespace(this.writePerNamespace, path, path.length + bytes)
  }
}

function perNamespace(map: Map<string, LatencyStats>, path: string, value: number): void {
  // PathUtils.getTopNamespace: the first component; none for "/".
  const end = path.indexOf('/', 1)
  const ns = end < 0 ? path.slice(1) : path.slice(1, end)
  if (ns === '') return
  let m = map.get(ns)
  if (!m) map.set(ns, (m = new LatencyStats(false)))
  m.add(value)
}

/** Java's Double.toString for the plain values we print (1.0, 0.0, 1.0427). */
export function javaDouble(n: number): string {
  if (Number.isInteger(n)) return n.toFixed(1)
  return String(n)
}
