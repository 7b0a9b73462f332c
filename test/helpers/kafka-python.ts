// kafka-python (Debian's python3-kafka) as an independent reader of record sets: it checks CRCs
// (CRC-32C for v2, CRC-32 for v0/v1) and parses every record, in every codec whose Python module
// is installed.
import {execFileSync} from 'node:child_process'
import {PYTHON} from './peers.js'

const READ = `
import sys, json
from kafka.record.memory_records import MemoryRecords
data = sys.stdin.buffer.read()
mr = MemoryRecords(data)
out = []
while True:
    batch = mr.next_batch()
    if batch is None:
        break
    ok = batch.validate_crc()
    magic = batch.magic if hasattr(batch, 'magic') else batch._magic
    for r in batch:
        h = lambda b: None if b is None else b.hex()
        out.append({'crc_ok': ok, 'magic': magic, 'offset': r.offset, 'timestamp': r.timestamp,
                    'key': h(r.key), 'value': h(r.value),
                    'headers': [[k, h(v)] for k, v in (r.headers if magic == 2 else [])]})
print(json.dumps(out))
`

/** A record as kafka-python reads it; key, value and header values in hex. */
export interface PythonRecord {
  crc_ok: boolean
  magic: number
  offset: number
  timestamp: number | null
  key: string | null
  value: string | null
  headers: [string, string | null][]
}

/** Every record of a record set (any magic), read by kafka-python. */
export function kafkaPythonRead(records: Buffer): PythonRecord[] {
  return JSON.parse(execFileSync(PYTHON, ['-c', READ], {input: records}).toString()) as PythonRecord[]
}

/** Hex of a string or bytes, null kept: how kafkaPythonRead reports keys and values. */
export const hex = (s: string | Uint8Array | null | undefined): string | null => (s == null ? null : Buffer.from(s).toString('hex'))
