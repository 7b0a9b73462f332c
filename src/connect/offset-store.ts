// Source offsets of a standalone worker, kept in offset.storage.file.filename. The logical content
// is Kafka's: a map from ["<connector>", <partition>] to <offset>, both as schemaless JSON. The
// file holds that map as a JSON array of [key, value] pairs rather than a Java-serialised
// HashMap, so it is not byte-compatible with Kafka's file. Each flush writes a temporary file,
// fsyncs it and renames it over the old one, so a crash never leaves a torn file.
import {closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'

type Json = Record<string, unknown>

function keyOf(connector: string, partition: Json): string {
  return JSON.stringify([connector, sortKeys(partition)])
}

function sortKeys(o: Json): Json {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
}

export class OffsetStore {
  private readonly offsets = new Map<string, Json | null>()
  private dirty = false

  constructor(private readonly file: string) {}

  /** Reads the file once at start; a missing or empty file means no offsets. */
  load(): void {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    if (text.trim() === '') return
    const entries = JSON.parse(text) as [unknown, Json | null][]
    if (!Array.isArray(entries)) throw new Error(`${this.file} is not an offsets file written by this worker`)
    for (const [k, v] of entries) {
      const [connector, partition] = k as [string, Json]
      this.offsets.set(keyOf(connector, partition), v)
    }
  }

  get(connector: string, partition: Json): Json | null {
    return this.offsets.get(keyOf(connector, partition)) ?? null
  }

  /** Records an offset in memory; null is a tombstone (the partition's offset is reset). */
  set(connector: string, partition: Json, offset: Json | null): void {
    this.offsets.set(keyOf(connector, partition), offset)
    this.dirty = true
  }

  /** Every stored (non-null) offset of a connector. */
  forConnector(connector: string): {partition: Json; offset: Json}[] {
    const out: {partition: Json; offset: Json}[] = []
    for (const [k, v] of this.offsets) {
      const [c, partition] = JSON.parse(k) as [string, Json]
      if (c === connector && v !== null) out.push({partition, offset: v})
    }
    return out
  }

  flush(): void {
    if (!this.dirty) return
    const entries = [...this.offsets].filter(([, v]) => v !== null).map(([k, v]) => [JSON.parse(k), v])
    const tmp = `${this.file}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, JSON.stringify(entries))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.file)
    this.dirty = false
  }
}
