// kafka-python's own protocol classes (another implementation we did not write) encode random
// values for every request and response they define (176 classes, non-flexible versions); our
// codec decodes each with every byte consumed and re-encodes it byte for byte.
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {apiSpec} from '../../../src/protocol/kafka/generated/index.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'codec/kafka-python-frames.py')

/** kafka-python 2.0.2 schemas that disagree with Kafka's own specs (checked against ../shared). */
const KAFKA_PYTHON_DEVIATIONS: Record<string, string> = {
  DescribeAclsRequest_v2: 'v2 is flexible in Kafka; kafka-python writes the v1 layout',
  DescribeAclsResponse_v2: 'v2 is flexible in Kafka; kafka-python writes the v1 layout',
  DescribeGroupsResponse_v3: 'lacks AuthorizedOperations (int32, v3+)',
  GroupCoordinatorResponse_v1: 'lacks ThrottleTimeMs (int32, v1+)',
  OffsetRequest_v5: 'CurrentLeaderEpoch as int64 (Kafka: int32)',
  ProduceResponse_v8: 'lacks RecordErrors and ErrorMessage (v8+)',
}

interface Case {
  apiKey: number
  version: number
  request: boolean
  name: string
  hex: string
}

describe.skipIf(!requirePeers('python3-kafka'))('messages encoded by kafka-python', () => {
  const cases: Case[] = requirePeers('python3-kafka')
    ? execFileSync(PYTHON, [script], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Case)
    : []
  const checked = cases.filter((c) => !KAFKA_PYTHON_DEVIATIONS[c.name])

  it('covers most of what kafka-python defines', () => {
    expect(cases.length).toBeGreaterThan(300)
    expect(new Set(checked.map((c) => c.apiKey)).size).toBeGreaterThanOrEqual(25)
  })

  it('the excluded kafka-python classes really differ from the spec (they do not decode cleanly)', () => {
    const deviating = cases.filter((c) => KAFKA_PYTHON_DEVIATIONS[c.name])
    expect(deviating.length).toBeGreaterThan(0)
    const failures = deviating.filter((c) => {
      const spec = apiSpec(c.apiKey)!
      const r = new Reader(Buffer.from(c.hex, 'hex'))
      try {
        ;(c.request ? spec.decodeRequest : spec.decodeResponse)(r, c.version)
        return r.remaining() !== 0
      } catch {
        return true
      }
    })
    // each class fails on at least one of its two samples
    expect(new Set(failures.map((c) => c.name))).toEqual(new Set(Object.keys(KAFKA_PYTHON_DEVIATIONS)))
  })

  it.each(checked.map((c, i) => [`${c.name} #${i % 2}`, c] as const))('%s', (_label, c) => {
    const spec = apiSpec(c.apiKey)!
    const bytes = Buffer.from(c.hex, 'hex')
    const r = new Reader(bytes)
    const value = (c.request ? spec.decodeRequest : spec.decodeResponse)(r, c.version)
    expect(r.remaining()).toBe(0)
    const w = new Writer()
    ;(c.request ? spec.encodeRequest : spec.encodeResponse)(w, value, c.version)
    expect(w.finish().toString('hex')).toBe(c.hex)
  })
})
