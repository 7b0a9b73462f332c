// Kafka's checkpoint files: plain text, written whole to <file>.tmp, fsynced, renamed over the old
// one, so a crash leaves either the old or the new file.
//
//   0                 <- version
//   2                 <- number of entries
//   orders 0 1520     <- one entry per line, fields separated by one space
//   orders 1 1491
//
// Offset checkpoints (recovery points, log start offsets, high watermarks, cleaner offsets) hold
// "<topic> <partition> <offset>"; leader-epoch-checkpoint holds "<epoch> <startOffset>".
import * as fs from 'node:fs'
import {syncFd} from './durability.js'

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError'
}

/** Writes lines under the version/count header atomically (tmp file, fsync, rename, fsync dir). */
export function writeCheckpoint(file: string, lines: string[], version = 0): void {
  const tmp = file + '.tmp'
  const text = `${version}\n${lines.length}\n${lines.map((l) => l + '\n').join('')}`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeSync(fd, text)
    syncFd(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/** The entry lines, each split on spaces; [] when the file does not exist. Throws CheckpointError when malformed. */
export function readCheckpoint(file: string, fieldsPerLine: number, expectedVersion = 0): string[][] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const lines = text.split('\n')
  const version = Number(lines[0])
  if (lines[0]?.trim() === '' || version !== expectedVersion) throw new CheckpointError(`${file}: unrecognised version ${JSON.stringify(lines[0])}`)
  const count = Number(lines[1])
  if (!Number.isInteger(count) || count < 0) throw new CheckpointError(`${file}: malformed entry count ${JSON.stringify(lines[1])}`)
  const out: string[][] = []
  for (let i = 0; i < count; i++) {
    const line = lines[2 + i]
    const fields = line === undefined ? [] : line.trim().split(/\s+/)
    if (fields.length !== fieldsPerLine) throw new CheckpointError(`${file}: malformed line ${3 + i}: ${JSON.stringify(line ?? '')}`)
    out.push(fields)
  }
  return out
}

export type TopicPartitionKey = string
export const tpKey = (topic: string, partition: number): TopicPartitionKey => `${topic}-${partition}`

/** An offset checkpoint as a map from "<topic>-<partition>" to offset. */
export function readOffsetCheckpoint(file: string): Map<TopicPartitionKey, bigint> {
  const out = new Map<TopicPartitionKey, bigint>()
  for (const [topic, partition, offset] of readCheckpoint(file, 3)) {
    if (!/^\d+$/.test(partition!) || !/^-?\d+$/.test(offset!)) throw new CheckpointError(`${file}: malformed entry ${topic} ${partition} ${offset}`)
    out.set(tpKey(topic!, Number(partition)), BigInt(offset!))
  }
  return out
}

export function writeOffsetCheckpoint(file: string, entries: Iterable<{topic: string; partition: number; offset: bigint}>): void {
  const lines: string[] = []
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`)
  writeCheckpoint(file, lines)
}
