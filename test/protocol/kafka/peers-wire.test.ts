// Real clients we did not write (librdkafka through kcat, kafka-python) talk to a server made only
// of our codec: their requests decode and re-encode byte for byte, and they accept our ApiVersions
// and Metadata responses (kcat prints our topics). KTOOL_CAPTURE_FIXTURES=1 refreshes the frames
// kept in test/fixtures/wire/.
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {encodeRequestFrame, readRequestHeader} from '../../../src/protocol/kafka/frame.js'
import {apiSpec} from '../../../src/protocol/kafka/generated/index.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'
import {startMetadataServer, type CapturedFrame, type MetadataServer} from './codec/metadata-server.js'

const run = promisify(execFile)
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/wire')
const TOPICS = [
  {name: 'orders', partitions: 2},
  {name: 'ünïcødé-topic', partitions: 1},
]

function expectByteForByte(f: CapturedFrame): void {
  const {header, reader} = readRequestHeader(f.frame)
  const spec = apiSpec(f.apiKey)!
  const body = spec.decodeRequest(reader, f.version)
  expect(reader.remaining()).toBe(0)
  const again = encodeRequestFrame(f.apiKey, f.version, header.correlationId, header.clientId, (w) => spec.encodeRequest(w, body, f.version))
  expect(again.subarray(4).toString('hex')).toBe(f.frame.toString('hex'))
}

function keep(prefix: string, frames: CapturedFrame[]): void {
  if (process.env.KTOOL_CAPTURE_FIXTURES !== '1') return
  fs.mkdirSync(fixtures, {recursive: true})
  const seen = new Set<string>()
  for (const f of frames) {
    const name = `${prefix}-${apiSpec(f.apiKey)!.name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}-v${f.version}.hex`
    if (seen.has(name)) continue
    seen.add(name)
    fs.writeFileSync(path.join(fixtures, name), f.frame.toString('hex').replace(/(.{64})/g, '$1\n').trim() + '\n')
  }
}

describe.skipIf(!requirePeers('kcat'))('librdkafka (kcat -L)', () => {
  let server: MetadataServer
  beforeAll(async () => {
    server = await startMetadataServer(TOPICS)
  })
  afterAll(() => server?.close())

  it('lists our brokers and topics, and its requests re-encode byte for byte', async () => {
    const {stdout} = await run('kcat', ['-L', '-b', `127.0.0.1:${server.port}`, '-m', '10'], {timeout: 20_000})
    expect(stdout).toContain(`broker 1 at 127.0.0.1:${server.port}`)
    expect(stdout).toContain('topic "orders" with 2 partitions:')
    expect(stdout).toContain('topic "ünïcødé-topic" with 1 partitions:')
    expect(stdout).toMatch(/partition 1, leader 1, replicas: 1, isrs: 1/)
    const kinds = new Set(server.frames.map((f) => `${f.apiKey}/${f.version}`))
    expect(kinds.has('18/3')).toBe(true) // flexible ApiVersions, request header v2
    expect([...kinds].some((k) => k.startsWith('3/'))).toBe(true)
    for (const f of server.frames) expectByteForByte(f)
    keep('librdkafka', server.frames)
  })

  it('produces to us (kcat -P): the Produce request with a librdkafka record batch round-trips', async () => {
    server.frames.length = 0
    const child = execFile('kcat', ['-P', '-b', `127.0.0.1:${server.port}`, '-t', 'orders', '-p', '1', '-K', ':', '-z', 'none'], {timeout: 20_000})
    child.stdin!.end('k1:hello\nk2:world\n')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    const produce = server.frames.filter((f) => f.apiKey === 0)
    expect(produce.length).toBeGreaterThan(0)
    for (const f of server.frames) expectByteForByte(f)
    // librdkafka may split the two records over requests; count them over all batches sent
    let count = 0
    for (const f of produce) {
      const {reader} = readRequestHeader(f.frame)
      const req = apiSpec(0)!.decodeRequest(reader, f.version) as {topicData: {name: string; partitionData: {index: number; records: Buffer}[]}[]}
      expect(req.topicData[0].name).toBe('orders')
      const records = req.topicData[0].partitionData[0].records
      expect(records.readInt8(16)).toBe(2) // magic 2
      count += records.readInt32BE(57)
    }
    expect(count).toBe(2)
    keep('librdkafka', produce)
  })
})

describe.skipIf(!requirePeers('python3-kafka'))('kafka-python', () => {
  let server: MetadataServer
  beforeAll(async () => {
    server = await startMetadataServer(TOPICS)
  })
  afterAll(() => server?.close())

  it('lists our topics, and its requests re-encode byte for byte', async () => {
    const script = [
      'import sys',
      'from kafka import KafkaConsumer',
      `c = KafkaConsumer(bootstrap_servers='127.0.0.1:${server.port}', request_timeout_ms=10000, api_version_auto_timeout_ms=10000)`,
      'print(sorted(c.topics()))',
      'print(sorted(c.partitions_for_topic("orders")))',
      'c.close()',
    ].join('\n')
    const {stdout} = await run(PYTHON, ['-c', script], {timeout: 30_000, env: {...process.env, PYTHONIOENCODING: 'utf-8'}})
    expect(stdout).toContain("['orders', 'ünïcødé-topic']")
    expect(stdout).toContain('[0, 1]')
    expect(server.frames.some((f) => f.apiKey === 3)).toBe(true)
    for (const f of server.frames) expectByteForByte(f)
    keep('kafka-python', server.frames)
  })
})
