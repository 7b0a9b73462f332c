// The broker's storage, in Kafka's on-disk layout. This header is the contract the broker codes
// against; the modules beside it implement it.
//
//   <log.dir>/meta.properties                      broker.id, cluster.id (Kafka's ZooKeeper-mode v0)
//   <log.dir>/recovery-point-offset-checkpoint     "0\n<n>\n<topic> <partition> <offset>\n..."
//   <log.dir>/log-start-offset-checkpoint          same layout
//   <log.dir>/replication-offset-checkpoint        same layout (high watermarks)
//   <log.dir>/cleaner-offset-checkpoint            same layout (first dirty offset per compacted log)
//   <log.dir>/.kafka_cleanshutdown                 present only between a clean shutdown and the next start
//   <log.dir>/<topic>-<partition>/
//       00000000000000000000.log|.index|.timeindex  segments, named by 20-digit base offset
//       leader-epoch-checkpoint                     "0\n<n>\n<epoch> <startOffset>\n..."
//       partition.metadata                          "version: 0\ntopic_id: <id>" (when a topic id is given)
//   <log.dir>/<topic>-<partition>.<uuid>-delete/   a deleted partition, removed in the background
//
// ## LogManager (log-manager.ts)
//   new LogManager({logDirs, brokerProps?, clock?, logger?, brokerId?, clusterId?, topicConfig?})
//     brokerProps: the broker's effective server.properties (Map); log.* keys give topic defaults.
//     topicConfig: (topic) => overrides (Record<string,string>) for logs found at startup.
//   startup(): Promise<void>     create/lock-check dirs, meta.properties, load every partition dir,
//                                 recover after the recovery point unless the clean-shutdown marker is
//                                 there, finish interrupted compactions and deletions, start the
//                                 retention / flush / checkpoint / cleaner schedulers. A dir that
//                                 cannot be used goes offline (logged, listed in offlineLogDirs);
//                                 startup throws only when every dir is offline.
//   getLog(topic, partition): PartitionLog | undefined
//   createLog(topic, partition, overrides?: Record<string,string>, opts?: {topicId?: string}): PartitionLog
//                                 returns the existing log if there is one; throws LogError
//                                 (INVALID_CONFIG, KAFKA_STORAGE_ERROR when no dir is online).
//   deleteLog(topic, partition): Promise<boolean>   rename to <topic>-<partition>.<uuid>-delete,
//                                 close, remove after file.delete.delay.ms.
//   updateTopicConfig(topic, overrides): void       replaces the topic's overrides (validated) on
//                                 every partition; merge first for IncrementalAlterConfigs.
//   topicOverrides(topic), configFor(topic): the overrides and the effective LogConfig.
//   allLogs(): PartitionLog[];  logsOfTopic(topic): PartitionLog[]
//   describeLogDirs(): {path, error: LogError|null, partitions: {topic, partition, size, offsetLag}[]}[]
//   offlineLogDirs: string[];   onLogDirFailure(listener: (dir, error) => void): () => void
//   runRetention(): Promise<void>; runCleaner(): Promise<void>; checkpoint(): void   (what the
//                                 schedulers run; public so tests drive them with a ManualClock)
//   shutdown(): Promise<void>     stop schedulers, flush and close every log, write all
//                                 checkpoints and the clean-shutdown marker.
//
// ## PartitionLog (partition-log.ts)
//   topic, partition, dir, config (LogConfig), topicId
//   logStartOffset, logEndOffset: bigint;  size: number (bytes, DescribeLogDirs);  numSegments
//   highWatermark: bigint    follows logEndOffset (single replica) until the broker assigns it; a
//                            set value is clamped to [logStartOffset, logEndOffset].
//   lastStableOffset: bigint follows highWatermark until assigned; clamped to highWatermark.
//   append(records: Buffer, opts: AppendOptions): Promise<AppendResult>
//       records is the Produce request's record set as received. Appends of one partition run one
//       at a time, in call order. Throws LogError: CORRUPT_MESSAGE (bad CRC/length/magic),
//       MESSAGE_TOO_LARGE (a batch above max.message.bytes), RECORD_LIST_TOO_LARGE (the set above
//       segment.bytes), INVALID_RECORD (+ recordErrors: keyless record on a compacted topic, a
//       control batch from a client, an inconsistent offset range), INVALID_TIMESTAMP (+ recordErrors:
//       a CreateTime record outside message.timestamp.before/after.max.ms, a producer's
//       LogAppendTime batch on a LogAppendTime topic), KAFKA_STORAGE_ERROR. Nothing is written when
//       it throws. compression.type other than `producer` re-encodes batches in another codec
//       (the result's batches are the stored ones); LogAppendTime stamps the append time.
//   read(offset: bigint, maxBytes: number, opts?: ReadOptions): Promise<ReadResult>   (readSync: same, synchronous)
//       whole batches starting with the one that holds `offset` (or the next one after a gap),
//       never past opts.maxOffset (exclusive; pass highWatermark for consumers); at least one
//       batch even when larger than maxBytes when opts.minOneMessage (default true).
//       Throws LogError(OFFSET_OUT_OF_RANGE) outside [logStartOffset, logEndOffset].
//   offsetForTimestamp(ts: bigint): Promise<{offset, timestamp, leaderEpoch} | null>
//       ts -2 earliest, -1 latest, -3 max timestamp; else the first record with timestamp >= ts.
//   deleteRecordsBefore(offset: bigint): Promise<bigint>   DeleteRecords; the new log start
//       offset. offset -1 means the high watermark. Throws OFFSET_OUT_OF_RANGE above the HW.
//   endOffsetForEpoch(epoch): {leaderEpoch, endOffset}     OffsetForLeaderEpoch (-1, -1 unknown)
//   latestEpoch: number (-1 none)
//   batchHeaders(fromOffset?: bigint): Iterable<{position, size, header: BatchHeader}>
//       every batch header from the segment holding fromOffset (default: the log start) to the
//       end, read without the records: rebuild producer state after a restart.
//   onAppend(listener: (log) => void): () => void   fired after each append and when the HW moves
//   truncateTo(offset: bigint): void                 followers; drops everything at and above offset
//   drain(): Promise<void>   resolves when the appends queued so far are done
//   flush(): void;  close(): void
//
// An append checks every batch (CRC-32C included), then writes the set with one synchronous
// write; only sets whose records must be looked at (compacted keys, timestamp bounds,
// recompression) wait for that asynchronously first, in call order. durability.ts switches fsync
// off for crash-simulation tests only.
//
// All times come from the injected Clock (src/common/clock.ts).
export {LogManager} from './log-manager.js'
export type {LogManagerOptions, LogDirDescription} from './log-manager.js'
export {PartitionLog} from './partition-log.js'
export type {AppendOptions, AppendResult, ReadOptions, ReadResult, TimestampOffset, AppendOrigin} from './partition-log.js'
export {LogError, LogErrorCode, LogDirFailure} from './errors.js'
export type {RecordError} from './errors.js'
export {resolveLogConfig, validateTopicConfig, describeTopicConfig, TOPIC_CONFIG_DEFS} from './config.js'
export type {LogConfig, ConfigEntry, TimestampType} from './config.js'
