// Real clients we did not write against the in-process broker: kcat (librdkafka 2.0.2),
// kafka-python and confluent-kafka through /usr/bin/python3.
import {execFile, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {PYTHON, requirePeers} from '../helpers/peers.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'

const run = promisify(execFile)

/** Runs a command with stdin from a file and stdout to a file (kcat with 100,000 lines). */
function pipe(cmd: string, args: string[], input: string | null, output: string | null, timeoutMs = 60_000): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {stdio: ['pipe', 'pipe', 'pipe']})
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => chunks.push(d))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(t)
      if (output) writeFileSync(output, Buffer.concat(chunks))
      resolve({code, stderr})
    })
    if (input) child.stdin.end(readFileSync(input))
    else child.stdin.end()
  })
}

describe.skipIf(!requirePeers('kcat'))('kcat against the broker', () => {
  let b: StartedBroker
  const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
  beforeAll(async () => {
    b = await startBroker()
  })
  afterAll(async () => {
    await b?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('produces 100,000 lines and consumes them back exactly (-C -e)', async () => {
    const input = join(dir, 'in.txt')
    writeFileSync(input, Array.from({length: 100_000}, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n') + '\n')
    const p = await pipe('kcat', ['-b', b.bootstrap, '-P', '-t', 'lines100k', '-z', 'lz4'], input, null)
    expect(p.code, p.stderr).toBe(0)
    const out = join(dir, 'out.txt')
    const c = await pipe('kcat', ['-b', b.bootstrap, '-C', '-t', 'lines100k', '-e', '-q'], null, out)
    expect(c.code, c.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(input, 'utf8'))
  })

  it('lists metadata (-L)', async () => {
    const {stdout} = await run('kcat', ['-b', b.bootstrap, '-L', '-t', 'lines100k'])
    expect(stdout).toContain(`broker 0 at 127.0.0.1:${b.port} (controller)`)
    expect(stdout).toMatch(/topic "lines100k" with 1 partitions:\n\s+partition 0, leader 0, replicas: 0, isrs: 0/)
  })

  it('consumes as a group member (-G) and commits', async () => {
    await pipe('kcat', ['-b', b.bootstrap, '-P', '-t', 'grp', '-K', ':'], null, null)
    const input = join(dir, 'grp.txt')
    writeFileSync(input, Array.from({length: 500}, (_, i) => `k${i}:v${i}`).join('\n') + '\n')
    expect((await pipe('kcat', ['-b', b.bootstrap, '-P', '-t', 'grp', '-K', ':'], input, null)).code).toBe(0)
    const out = join(dir, 'grp-out.txt')
    const r = await pipe('kcat', ['-b', b.bootstrap, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%k=%s\n', 'grp'], null, out, 60_000)
    expect(r.code, r.stderr).toBe(0)
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(500)
    expect(lines[499]).toBe('k499=v499')
  })
})

const PRODUCE_CONSUME_KAFKA_PYTHON = `
import sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
b, topic, phase = sys.argv[1], sys.argv[2], sys.argv[3]
if phase == 'produce':
    p = KafkaProducer(bootstrap_servers=b, compression_type='gzip')
    for i in range(300): p.send(topic, key=b'k%d' % (i % 7), value=b'v%d' % i)
    p.flush(); p.close()
else:
    want = int(sys.argv[4])
    c = KafkaConsumer(topic, bootstrap_servers=b, group_id='py-group', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=15000)
    got = []
    for m in c:
        got.append(m.value.decode())
        if len(got) == want: break
    c.commit(); c.close()
    print(','.join(got))
`

const PRODUCE_CONSUME_CONFLUENT = `
import sys, time
from confluent_kafka import Producer, Consumer
b, topic, phase = sys.argv[1], sys.argv[2], sys.argv[3]
if phase == 'produce':
    p = Producer({'bootstrap.servers': b, 'enable.idempotence': True, 'compression.type': 'zstd'})
    for i in range(300): p.produce(topic, key=b'k%d' % (i % 7), value=b'v%d' % i)
    p.flush()
else:
    want = int(sys.argv[4])
    c = Consumer({'bootstrap.servers': b, 'group.id': 'ck-group', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    c.subscribe([topic])
    got, start = [], time.time()
    while len(got) < want and time.time() - start < 30:
        m = c.poll(0.5)
        if m is None or m.error(): continue
        got.append(m.value().decode())
    c.commit(asynchronous=False); c.close()
    print(','.join(got))
`

for (const [name, script, peer] of [
  ['kafka-python', PRODUCE_CONSUME_KAFKA_PYTHON, 'python3-kafka'],
  ['confluent-kafka', PRODUCE_CONSUME_CONFLUENT, 'python3-confluent-kafka'],
] as const) {
  describe.skipIf(!requirePeers(peer))(`${name} against the broker`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
    const file = join(dir, 'client.py')
    writeFileSync(file, script)
    let b: StartedBroker
    beforeAll(async () => {
      b = await startBroker({'log.dirs': join(dir, 'logs')})
    })
    afterAll(async () => {
      await b?.stop()
      rmSync(dir, {recursive: true, force: true})
    })

    it('produces, consumes in a group, commits, and resumes at the committed offset after a restart', async () => {
      const topic = `${name}-topic`
      await run(PYTHON, [file, b.bootstrap, topic, 'produce'], {timeout: 60_000})
      const first = (await run(PYTHON, [file, b.bootstrap, topic, 'consume', '200'], {timeout: 60_000})).stdout.trim().split(',')
      expect(first).toHaveLength(200)
      expect(first[0]).toBe('v0')
      await b.stop({keepLogDir: true})
      b = await startBroker({'log.dirs': join(dir, 'logs')})
      const rest = (await run(PYTHON, [file, b.bootstrap, topic, 'consume', '100'], {timeout: 60_000})).stdout.trim().split(',')
      expect(rest).toEqual(Array.from({length: 100}, (_, i) => `v${200 + i}`))
    })
  })
}
