// kcat (librdkafka 2.0.2) with api.version.request=false and an old broker.version.fallback.
// With 0.9.0.1 it sends no ApiVersions and speaks Produce v1 / Fetch v1 / ListOffsets v0 with
// magic 0 messages (checked in its protocol debug lines). With 0.10.0.0 librdkafka still asks
// ApiVersions (that broker version has it, so the fallback's features turn the request back on)
// and then uses what we advertise: the test keeps that setting too, as users pass it. Lines go in
// with -P and come back byte-exact with -C -e.
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {requirePeers} from '../../helpers/peers.js'

function kcat(args: string[], input?: Buffer): Promise<{code: number | null; stdout: Buffer; stderr: string}> {
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, {stdio: ['pipe', 'pipe', 'pipe']})
    const out: Buffer[] = []
    let err = ''
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000)
    p.stdout.on('data', (d: Buffer) => out.push(d))
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout: Buffer.concat(out), stderr: err})
    })
    p.stdin.end(input ?? Buffer.alloc(0))
  })
}

describe.skipIf(!requirePeers('kcat'))('kcat with api.version.request=false and an old broker.version.fallback', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker({'num.partitions': '1'})
  })
  afterAll(async () => {
    await b?.stop()
  })

  const lines = (n: number, tag: string) => Buffer.from(Array.from({length: n}, (_, i) => `${tag} line ${i} ${'abcdefghij'.repeat(i % 9)}\u00e9`).join('\n') + '\n')

  for (const fallback of ['0.9.0.1', '0.10.0.0']) {
    const old = ['-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`]
    it(`fallback ${fallback}: 10,000 lines produced and consumed back byte-exact`, async () => {
      const topic = `kcat-${fallback.replace(/\./g, '')}`
      const input = lines(10_000, fallback)
      const p = await kcat(['-b', b.bootstrap, ...old, '-P', '-t', topic, '-X', 'batch.num.messages=1000', '-d', 'protocol'], input)
      expect(p.code, p.stderr).toBe(0)
      const c = await kcat(['-b', b.bootstrap, ...old, '-C', '-e', '-q', '-o', 'beginning', '-t', topic, '-d', 'protocol'])
      expect(c.code, c.stderr).toBe(0)
      expect(c.stdout.equals(input)).toBe(true)
      if (fallback === '0.9.0.1') {
        // The versions librdkafka picked for that broker version (its protocol debug lines).
        expect(p.stderr).toContain('ProduceRequest (v1')
        expect(c.stderr).toContain('FetchRequest (v1')
        expect(c.stderr).toContain('ListOffsetsRequest (v0')
        expect(p.stderr + c.stderr).not.toContain('ApiVersionRequest')
      }
    })

    it(`fallback ${fallback}: gzip, snappy, lz4 round trips and timestamps`, async () => {
      for (const codec of ['gzip', 'snappy', 'lz4']) {
        const topic = `kcat-${fallback.replace(/\./g, '')}-${codec}`
        const input = lines(2000, codec)
        const p = await kcat(['-b', b.bootstrap, ...old, '-P', '-z', codec, '-t', topic], input)
        expect(p.code, p.stderr).toBe(0)
        const c = await kcat(['-b', b.bootstrap, ...old, '-C', '-e', '-q', '-o', 'beginning', '-t', topic])
        expect(c.code, c.stderr).toBe(0)
        expect(c.stdout.equals(input), codec).toBe(true)
      }
      // Offsets and timestamps as kcat sees them: magic 0 has none (-1 is shown as no timestamp).
      const topic = `kcat-${fallback.replace(/\./g, '')}-gzip`
      const c = await kcat(['-b', b.bootstrap, ...old, '-C', '-e', '-q', '-o', '1995', '-t', topic, '-f', '%o %T\n'])
      const rows = c.stdout.toString().trim().split('\n').map((l) => l.split(' '))
      expect(rows.map((r) => r[0])).toEqual(['1995', '1996', '1997', '1998', '1999'])
      for (const r of rows) {
        if (fallback === '0.9.0.1') expect(Number(r[1])).toBeLessThanOrEqual(0)
        else expect(Math.abs(Number(r[1]) - Date.now())).toBeLessThan(120_000)
      }
    })
  }

  it('what an old kcat wrote is read by a modern kcat, and the other way round', async () => {
    const input = lines(500, 'cross')
    const old = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0.1']
    expect((await kcat(['-b', b.bootstrap, ...old, '-P', '-z', 'snappy', '-t', 'kcat-cross-a'], input)).code).toBe(0)
    expect((await kcat(['-b', b.bootstrap, '-C', '-e', '-q', '-o', 'beginning', '-t', 'kcat-cross-a'])).stdout.equals(input)).toBe(true)
    expect((await kcat(['-b', b.bootstrap, '-P', '-z', 'lz4', '-t', 'kcat-cross-b'], input)).code).toBe(0)
    expect((await kcat(['-b', b.bootstrap, ...old, '-C', '-e', '-q', '-o', 'beginning', '-t', 'kcat-cross-b'])).stdout.equals(input)).toBe(true)
  })
})
