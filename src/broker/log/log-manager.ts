// Owns the log dirs and every partition log in them: startup (load + recovery), create/delete,
// checkpoints, the retention / flush / checkpoint / cleaner schedulers, clean shutdown, and log
// dir failures (a dir that fails goes offline with its partitions; the broker keeps running).
//
// Log dir state machine (per dir):
//   online  --I/O error or unusable at startup-->  offline      (terminal until restart)
// Partition logs on an offline dir are marked offline; reads and appends answer KAFKA_STORAGE_ERROR.
import {randomUUID} from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {systemClock, type Clock} from '../../common/clock.js'
import {Logger} from '../../common/logger.js'
import {readOffsetCheckpoint, tpKey, writeOffsetCheckpoint} from './checkpoint-file.js'
import {cleanLog, type CleanOptions} from './cleaner.js'
import {resolveLogConfig, resolveManagerSettings, validateTopicConfig, type LogConfig, type LogManagerSettings} from './config.js'
import {LogDirFailure, LogError, LogErrorCode} from './errors.js'
import {loadPartitionLog, parsePartitionDirName, writePartitionMetadata} from './log-loader.js'
import {LogSegment} from './log-segment.js'
import {readMetaProperties, writeMetaProperties} from './meta-properties.js'
import {LeaderEpochCache} from './leader-epoch-cache.js'
import {PartitionLog} from './partition-log.js'

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'
export const REPLICATION_CHECKPOINT = 'replication-offset-checkpoint'
export const CLEANER_CHECKPOINT = 'cleaner-offset-checkpoint'
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
const DELETE_DIR_SUFFIX = '-delete'

export interface LogManagerOptions {
  logDirs: string[]
  /** The broker's effective properties: log.* keys are the topic defaults, plus scheduler intervals. */
  brokerProps?: ReadonlyMap<string, string>
  clock?: Clock
  logger?: Logger
  /** Checked against / written to meta.properties when given. */
  brokerId?: number
  clusterId?: string | null
  /** Topic-level overrides for logs found at startup (from ZooKeeper /config/topics). */
  topicConfig?: (topic: string) => Record<string, string> | undefined
}

export interface LogDirDescription {
  path: string
  error: LogError | null
  partitions: {topic: string; partition: number; size: number; offsetLag: bigint; isFuture: boolean}[]
}

interface Dir {
  path: string
  online: boolean
  error: Error | null
}

type Timer = {cancel(): void}

export class LogManager {
  readonly clock: Clock
  readonly logger: Logger
  readonly settings: LogManagerSettings
  private readonly brokerProps: ReadonlyMap<string, string>
  private readonly dirs: Dir[]
  private readonly logs = new Map<string, PartitionLog>()
  private readonly logDir = new Map<string, Dir>()
  private readonly overrides = new Map<string, Record<string, string>>()
  private readonly failureListeners = new Set<(dir: string, error: Error) => void>()
  /** First dirty offset per compacted log (cleaner-offset-checkpoint). */
  readonly cleanerCheckpoints = new Map<string, bigint>()
  private tasks: {timer: Timer | null}[] = []
  /** Test hook passed to the cleaner (simulates a crash mid-swap). */
  cleanerFailpoint: CleanOptions['failpoint'] = undefined
  private state: 'new' | 'running' | 'stopped' = 'new'
  private cleaning: Promise<void> | null = null

  constructor(private readonly opts: LogManagerOptions) {
    if (opts.logDirs.length === 0) throw new Error('LogManager needs at least one log dir')
    this.clock = opts.clock ?? systemClock
    this.logger = opts.logger ?? new Logger('kafka.log.LogManager')
    this.brokerProps = opts.brokerProps ?? new Map()
    this.settings = resolveManagerSettings(this.brokerProps)
    this.dirs = opts.logDirs.map((p) => ({path: path.resolve(p), online: true, error: null}))
  }

  get offlineLogDirs(): string[] {
    return this.dirs.filter((d) => !d.online).map((d) => d.path)
  }

  get liveLogDirs(): string[] {
    return this.dirs.filter((d) => d.online).map((d) => d.path)
  }

  onLogDirFailure(listener: (dir: string, error: Error) => void): () => void {
    this.failureListeners.add(listener)
    return () => void this.failureListeners.delete(listener)
  }

  /** The effective LogConfig for a topic (broker defaults + its overrides). */
  configFor(topic: string, overrides?: Record<string, string>): LogConfig {
    return resolveLogConfig(this.brokerProps, overrides ?? this.overrides.get(topic) ?? {})
  }

  // ---- startup ----

  async startup(): Promise<void> {
    if (this.state !== 'new') throw new Error(`LogManager.startup() in state ${this.state}`)
    for (const dir of this.dirs) {
      try {
        this.prepareDir(dir)
        this.loadDir(dir)
      } catch (error) {
        this.failDir(dir, error as Error, 'loading')
      }
    }
    if (this.dirs.every((d) => !d.online)) {
      throw new LogError(LogErrorCode.KAFKA_STORAGE_ERROR, `Shutting down broker because all log dirs in ${this.dirs.map((d) => d.path).join(', ')} have failed`)
    }
    this.state = 'running'
    this.schedule(this.settings.retentionCheckIntervalMs, () => this.runRetention())
    if (this.settings.flushSchedulerIntervalMs < Number.MAX_SAFE_INTEGER) this.schedule(this.settings.flushSchedulerIntervalMs, () => this.flushByTime())
    this.schedule(this.settings.recoveryPointCheckpointIntervalMs, () => this.checkpoint())
    if (this.settings.cleanerEnable) this.schedule(this.settings.cleanerBackoffMs, () => this.runCleaner())
    this.logger.info(`Loaded ${this.logs.size} logs from ${this.liveLogDirs.length} log dir(s)`)
  }

  private prepareDir(dir: Dir): void {
    fs.mkdirSync(dir.path, {recursive: true})
    fs.accessSync(dir.path, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK)
    const meta = readMetaProperties(dir.path)
    const brokerId = this.opts.brokerId
    if (meta) {
      if (brokerId !== undefined && meta.brokerId !== null && meta.brokerId !== brokerId) {
        throw new Error(`Configured broker.id ${brokerId} doesn't match stored broker.id ${meta.brokerId} in meta.properties. If you moved your data, make sure your configured broker.id matches.`)
      }
      if (this.opts.clusterId && meta.clusterId && meta.clusterId !== this.opts.clusterId) {
        throw new Error(`The Cluster ID ${this.opts.clusterId} doesn't match stored clusterId Some(${meta.clusterId}) in meta.properties. The broker is trying to join the wrong cluster.`)
      }
      if (this.opts.clusterId && !meta.clusterId && brokerId !== undefined) writeMetaProperties(dir.path, {brokerId, clusterId: this.opts.clusterId})
    } else if (brokerId !== undefined) {
      writeMetaProperties(dir.path, {brokerId, clusterId: this.opts.clusterId ?? null})
    }
  }

  private loadDir(dir: Dir): void {
    const cleanFile = path.join(dir.path, CLEAN_SHUTDOWN_FILE)
    const hadCleanShutdown = fs.existsSync(cleanFile)
    const readCp = (name: string): Map<string, bigint> => {
      try {
        return readOffsetCheckpoint(path.join(dir.path, name))
      } catch (error) {
        this.logger.warn(`Error reading ${name} in ${dir.path}, ignoring it: ${(error as Error).message}`)
        return new Map()
      }
    }
    const recoveryPoints = readCp(RECOVERY_POINT_CHECKPOINT)
    const startOffsets = readCp(LOG_START_OFFSET_CHECKPOINT)
    for (const [k, v] of readCp(CLEANER_CHECKPOINT)) this.cleanerCheckpoints.set(k, v)
    if (!hadCleanShutdown) this.logger.info(`Attempting recovery for all logs in ${dir.path} since no clean shutdown file was found`)

    for (const entry of fs.readdirSync(dir.path, {withFileTypes: true})) {
      if (!entry.isDirectory()) continue
      const full = path.join(dir.path, entry.name)
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.logger.info(`Removing partition dir ${full} left from a deletion`)
        fs.rmSync(full, {recursive: true, force: true})
        continue
      }
      const tp = parsePartitionDirName(entry.name)
      if (!tp || entry.name.endsWith('-future') || entry.name.endsWith('-stray')) {
        if (!entry.name.startsWith('.')) this.logger.warn(`Skipping ${full}: not a partition directory`)
        continue
      }
      const key = tpKey(tp.topic, tp.partition)
      if (this.logs.has(key)) {
        throw new Error(`Duplicate log directories for ${key} are found in both ${this.logs.get(key)!.dir} and ${full}.`)
      }
      const overrides = this.opts.topicConfig?.(tp.topic)
      if (overrides) this.overrides.set(tp.topic, overrides)
      const log = loadPartitionLog({
        dir: full,
        topic: tp.topic,
        partition: tp.partition,
        config: this.configFor(tp.topic),
        clock: this.clock,
        logger: this.logger.child('kafka.log.LogLoader'),
        hadCleanShutdown,
        recoveryPoint: recoveryPoints.get(key) ?? 0n,
        logStartOffset: startOffsets.get(key) ?? 0n,
        // A sole leader's high watermark follows its log end: the checkpointed value is written
        // for Kafka's tools, but loading it as a fixed mark froze consumers after a restart.
        highWatermark: null,
        onIoError: (error) => this.failDir(dir, error, `I/O on ${key}`),
      })
      this.logs.set(key, log)
      this.logDir.set(key, dir)
    }
    // The marker means "nothing to recover" only until the next start: remove it now.
    fs.rmSync(cleanFile, {force: true})
  }

  private failDir(dir: Dir, error: Error, during: string): void {
    if (!dir.online) return
    dir.online = false
    dir.error = error
    this.logger.error(`Error while ${during} in dir ${dir.path}: ${error.message}. The log dir is now offline; its partitions are unavailable on this broker.`)
    for (const [key, d] of this.logDir) if (d === dir) this.logs.get(key)?.markOffline()
    for (const l of this.failureListeners) {
      try { l(dir.path, error) } catch { /* a listener's problem */ }
    }
  }

  private schedule(intervalMs: number, task: () => unknown): void {
    if (!(intervalMs > 0) || intervalMs >= Number.MAX_SAFE_INTEGER) return
    const holder: {timer: Timer | null} = {timer: null}
    const run = (): void => {
      if (this.state !== 'running') return
      Promise.resolve()
        .then(task)
        .catch((error) => this.logger.error(`Scheduled log task failed: ${(error as Error).stack ?? error}`))
        .finally(() => {
          if (this.state === 'running') holder.timer = this.clock.setTimeout(run, intervalMs)
        })
    }
    holder.timer = this.clock.setTimeout(run, intervalMs)
    this.tasks.push(holder)
  }

  // ---- partitions ----

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(tpKey(topic, partition))
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()]
  }

  logsOfTopic(topic: string): PartitionLog[] {
    return this.allLogs().filter((l) => l.topic === topic)
  }

  /** Creates the partition's log in the online dir with the fewest partitions, or returns the existing one. */
  createLog(topic: string, partition: number, overrides?: Record<string, string>, opts: {topicId?: string} = {}): PartitionLog {
    const key = tpKey(topic, partition)
    const existing = this.logs.get(key)
    if (existing) return existing
    if (overrides) validateTopicConfig(overrides)
    if (overrides) this.overrides.set(topic, {...overrides})
    const config = this.configFor(topic)
    const online = this.dirs.filter((d) => d.online)
    if (online.length === 0) throw new LogError(LogErrorCode.KAFKA_STORAGE_ERROR, `Can not create log for ${key} because all log dirs ${this.dirs.map((d) => d.path).join(', ')} are offline`)
    const counts = new Map(online.map((d) => [d, 0]))
    for (const d of this.logDir.values()) if (counts.has(d)) counts.set(d, counts.get(d)! + 1)
    const dir = [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0]
    const full = path.join(dir.path, key)
    try {
      fs.mkdirSync(full, {recursive: true})
      if (opts.topicId) writePartitionMetadata(full, opts.topicId)
      const seg = LogSegment.create(full, 0n, {indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes, now: this.clock.now()})
      const log = new PartitionLog({
        dir: full,
        topic,
        partition,
        topicId: opts.topicId ?? null,
        config,
        clock: this.clock,
        logger: this.logger.child('kafka.log.UnifiedLog'),
        segments: [seg],
        logStartOffset: 0n,
        recoveryPoint: 0n,
        epochs: new LeaderEpochCache(full, false),
        onIoError: (error) => this.failDir(dir, error, `I/O on ${key}`),
      })
      this.logs.set(key, log)
      this.logDir.set(key, dir)
      this.logger.info(`Created log for partition ${key} in ${full} with properties ${JSON.stringify(overrides ?? {})}`)
      return log
    } catch (error) {
      if (error instanceof LogError) throw error
      this.failDir(dir, error as Error, `creating ${key}`)
      throw new LogDirFailure(dir.path, error as Error)
    }
  }

  /** Renames the partition dir to <topic>-<partition>.<uuid>-delete and removes it after file.delete.delay.ms. */
  async deleteLog(topic: string, partition: number): Promise<boolean> {
    const key = tpKey(topic, partition)
    const log = this.logs.get(key)
    if (!log) return false
    this.logs.delete(key)
    this.logDir.delete(key)
    this.cleanerCheckpoints.delete(key)
    await log.drain()
    log.close(false)
    const renamed = path.join(path.dirname(log.dir), `${key}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`)
    try {
      fs.renameSync(log.dir, renamed)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.error(`Error renaming ${log.dir} for deletion: ${(error as Error).message}`)
      return true
    }
    this.logger.info(`Log for partition ${key} is renamed to ${renamed} and is scheduled for deletion`)
    const remove = (): void => {
      fs.rm(renamed, {recursive: true, force: true}, (error) => {
        if (error) this.logger.warn(`Error deleting ${renamed}: ${error.message}`)
        else this.logger.info(`Deleted log ${renamed}.`)
      })
    }
    const delay = log.config.fileDeleteDelayMs
    if (delay <= 0) remove()
    else this.clock.setTimeout(remove, delay)
    if (this.logsOfTopic(topic).length === 0) this.overrides.delete(topic)
    return true
  }

  /** AlterConfigs: new overrides for every partition of the topic (validated first). */
  updateTopicConfig(topic: string, overrides: Record<string, string>): void {
    validateTopicConfig(overrides)
    this.overrides.set(topic, {...overrides})
    const config = this.configFor(topic)
    for (const log of this.logsOfTopic(topic)) log.updateConfig(config)
  }

  topicOverrides(topic: string): Record<string, string> {
    return {...(this.overrides.get(topic) ?? {})}
  }

  describeLogDirs(): LogDirDescription[] {
    return this.dirs.map((d) => ({
      path: d.path,
      error: d.online ? null : new LogError(LogErrorCode.KAFKA_STORAGE_ERROR, d.error?.message ?? 'offline'),
      partitions: d.online
        ? [...this.logDir.entries()].filter(([, dd]) => dd === d).map(([key]) => {
            const log = this.logs.get(key)!
            return {topic: log.topic, partition: log.partition, size: log.size, offsetLag: 0n, isFuture: false}
          })
        : [],
    }))
  }

  // ---- background work ----

  async runRetention(): Promise<void> {
    let total = 0
    for (const log of this.logs.values()) {
      if (log.offline || log.isClosed) continue
      try {
        total += log.deleteOldSegments()
      } catch (error) {
        this.logger.error(`Retention of ${log.name} failed: ${(error as Error).message}`)
      }
    }
    if (total > 0) this.logger.info(`Log cleanup completed. ${total} segment(s) deleted`)
  }

  async runCleaner(): Promise<void> {
    if (this.cleaning) return this.cleaning
    this.cleaning = (async () => {
      for (const log of [...this.logs.values()]) {
        if (!log.config.compact || log.offline || log.isClosed) continue
        try {
          const firstDirty = await cleanLog(log, this.cleanerCheckpoints.get(log.name) ?? 0n, this.clock.now(), this.logger.child('kafka.log.LogCleaner'), {failpoint: this.cleanerFailpoint, producerIdExpirationMs: this.settings.producerIdExpirationMs})
          if (firstDirty !== null) {
            this.cleanerCheckpoints.set(log.name, firstDirty)
            this.writeCleanerCheckpoints()
          }
        } catch (error) {
          this.logger.error(`Cleaning of ${log.name} failed: ${(error as Error).stack ?? error}`)
        }
      }
    })().finally(() => {
      this.cleaning = null
    })
    return this.cleaning
  }

  private flushByTime(): void {
    for (const log of this.logs.values()) {
      try { log.maybeFlushByTime() } catch { /* reported by the log */ }
    }
  }

  private writeCleanerCheckpoints(): void {
    for (const d of this.dirs) {
      if (!d.online) continue
      const entries = [...this.logDir.entries()].filter(([k, dd]) => dd === d && this.cleanerCheckpoints.has(k)).map(([k]) => {
        const log = this.logs.get(k)!
        return {topic: log.topic, partition: log.partition, offset: this.cleanerCheckpoints.get(k)!}
      })
      try {
        writeOffsetCheckpoint(path.join(d.path, CLEANER_CHECKPOINT), entries)
      } catch (error) {
        this.failDir(d, error as Error, 'writing the cleaner checkpoint')
      }
    }
  }

  /** Writes the recovery-point, log-start-offset and replication (HW) checkpoints of every online dir. */
  checkpoint(): void {
    for (const d of this.dirs) {
      if (!d.online) continue
      const logs = [...this.logDir.entries()].filter(([, dd]) => dd === d).map(([k]) => this.logs.get(k)!).filter((l) => !l.offline)
      try {
        writeOffsetCheckpoint(path.join(d.path, RECOVERY_POINT_CHECKPOINT), logs.map((l) => ({topic: l.topic, partition: l.partition, offset: l.recoveryPoint})))
        writeOffsetCheckpoint(path.join(d.path, LOG_START_OFFSET_CHECKPOINT), logs.filter((l) => l.logStartOffset > 0n).map((l) => ({topic: l.topic, partition: l.partition, offset: l.logStartOffset})))
        writeOffsetCheckpoint(path.join(d.path, REPLICATION_CHECKPOINT), logs.map((l) => ({topic: l.topic, partition: l.partition, offset: l.highWatermark})))
      } catch (error) {
        this.failDir(d, error as Error, 'writing checkpoints')
      }
    }
  }

  async shutdown(): Promise<void> {
    if (this.state === 'stopped') return
    const wasRunning = this.state === 'running'
    this.state = 'stopped'
    for (const t of this.tasks) t.timer?.cancel()
    this.tasks = []
    if (this.cleaning) await this.cleaning.catch(() => undefined)
    for (const log of this.logs.values()) {
      await log.drain()
      log.close(true)
    }
    if (!wasRunning) return
    this.checkpoint()
    this.writeCleanerCheckpoints()
    for (const d of this.dirs) {
      if (!d.online) continue
      try {
        fs.writeFileSync(path.join(d.path, CLEAN_SHUTDOWN_FILE), '')
      } catch (error) {
        this.logger.error(`Could not write the clean shutdown marker in ${d.path}: ${(error as Error).message}`)
      }
    }
    this.logger.info('Shutdown complete.')
  }
}
