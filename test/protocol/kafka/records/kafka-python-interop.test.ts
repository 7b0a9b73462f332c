// kafka-python (Debian's python3-kafka) is a second implementation we did not write: it checks
// CRCs (CRC-32C for v2, CRC-32 for v0/v1) and parses every record. Gzip and no compression here;
// the other codecs are covered by the kafkajs tests and, for old formats, by convert.test.ts.
import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {hex, kafkaPythonRead} from '../../../helpers/kafka-python.js'
import {PYTHON, requirePeers} from '../../../helpers/peers.js'
import {CompressionType as T} from '../../../../src/protocol/kafka/records/compression.js'
import {encodeMessageSet} from '../../../../src/protocol/kafka/records/legacy.js'
import {encodeRecordBatch} from '../../../../src/protocol/kafka/records/record-batch.js'
import {decodeRecordSet} from '../../../../src/protocol/kafka/records/record-set.js'

const WRITE = `
import sys
from kafka.record.memory_records import MemoryRecordsBuilder
magic, codec = int(sys.argv[1]), int(sys.argv[2])
b = MemoryRecordsBuilder(magic, codec, 1 << 20)
hs = [('h', b'hv'), ('n', None)] if magic == 2 else []
b.append(1600000000000, b'k0', b'v0', hs)
b.append(1600000000007, None, b'v1' * 100, [])
b.append(1600000000003, b'k2', None, [])
b.close()
sys.stdout.buffer.write(b.buffer())
`

describe.skipIf(!requirePeers('python3-kafka'))('kafka-python interop', () => {
  const records = [
    {key: 'k0', value: 'v0', timestamp: 1_600_000_000_000n, headers: [{key: 'h', value: 'hv'}, {key: 'n', value: null}]},
    {key: null, value: 'v1'.repeat(100), timestamp: 1_600_000_000_007n},
    {key: 'k2', value: null, timestamp: 1_600_000_000_003n},
  ]

  for (const [magic, codec] of [[2, T.NONE], [2, T.GZIP], [1, T.NONE], [1, T.GZIP], [0, T.NONE], [0, T.GZIP]] as const) {
    it(`kafka-python reads what we write (magic ${magic}, codec ${codec}) with valid CRCs`, async () => {
      const buf =
        magic === 2
          ? await encodeRecordBatch({records, baseOffset: 20n, compression: codec})
          : await encodeMessageSet({magic, records: records.map(({headers: _h, ...r}) => r), baseOffset: 20n, compression: codec})
      const got = kafkaPythonRead(buf)
      expect(got.map((r) => r.crc_ok)).toEqual([true, true, true])
      expect(got.map((r) => [r.offset, r.key, r.value])).toEqual(records.map((r, i) => [20 + i, hex(r.key), hex(r.value)]))
      expect(got.map((r) => r.timestamp)).toEqual(records.map((r) => (magic === 0 ? null : Number(r.timestamp))))
      if (magic === 2) expect(got[0].headers).toEqual([['h', hex('hv')], ['n', null]])
    })

    it(`we read what kafka-python writes (magic ${magic}, codec ${codec})`, async () => {
      const buf = execFileSync(PYTHON, ['-c', WRITE, String(magic), String(codec)])
      const decoded = (await decodeRecordSet(buf)).flatMap((b) => b.records)
      // A producer's magic 1 wrapper carries offset 0 over relative inner offsets 0..2: the broker
      // assigns the real ones, so until then they decode as -2..0 (Kafka's rule, kafkajs agrees).
      const o = magic === 1 && codec !== T.NONE ? -2n : 0n
      expect(decoded.map((r) => [r.offset, r.timestamp, hex(r.key), hex(r.value)])).toEqual([
        [o + 0n, magic === 0 ? -1n : 1_600_000_000_000n, hex('k0'), hex('v0')],
        [o + 1n, magic === 0 ? -1n : 1_600_000_000_007n, null, hex('v1'.repeat(100))],
        [o + 2n, magic === 0 ? -1n : 1_600_000_000_003n, hex('k2'), null],
      ])
      if (magic === 2) expect(decoded[0].headers.map((h) => [h.key, hex(h.value)])).toEqual([['h', hex('hv')], ['n', null]])
    })
  }
})
