// console-producer and console-consumer through the real binary against ktool's broker, with kcat
// as the independent client on the other side.
import {spawn} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {CLI_ENV, BIN, ktool} from '../helpers/cli.js'
import {requirePeers} from '../helpers/peers.js'

let b: StartedBroker
beforeAll(async () => {
  b = await startBroker({'num.partitions': '1'})
})
afterAll(async () => {
  await b?.stop()
})

// Asynchronous: the broker runs in this process, so a blocking call would stall it.
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', b.bootstrap, ...args])
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err}`))
    })
    child.stdin.end(input ?? '')
  })
}

describe('console-producer and console-consumer', () => {
  it('consumer prints what the producer sent, with keys, headers and the formatter properties', async () => {
    const input = 'h1:v1,h2:v2\tk1\tfirst\n:\t\t\nh3:x\tk3\tthird'
    let r = await ktool(['console-producer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--property', 'parse.key=true', '--property', 'parse.headers=true'], {input})
    expect(r).toMatchObject({status: 0, stdout: '', stderr: ''})
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--from-beginning', '--max-messages', '3',
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.offset=true', '--property', 'print.partition=true'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('Partition:0\tOffset:0\th1:v1,h2:v2\tk1\tfirst\nPartition:0\tOffset:1\t:\t\t\nPartition:0\tOffset:2\th3:x\tk3\tthird\n')
    expect(r.stderr).toBe('Processed a total of 3 messages\n')
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--partition', '0', '--offset', '2', '--max-messages', '1', '--property', 'print.timestamp=true'])
    expect(r.stdout).toMatch(/^CreateTime:\d{13}\tthird\n$/)
  })

  it('stops at --timeout-ms with the total on stderr and exit 0', async () => {
    const r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--timeout-ms', '1500'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/ERROR Error processing message, terminating consumer process: [\s\S]*Processed a total of 0 messages\n$/)
  })

  it('reports line-reader errors and validation messages as Kafka does', async () => {
    let r = await ktool(['console-producer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--property', 'parse.key=true'], {input: 'nokey\n'})
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("No key separator found on line number 1: 'nokey'")
    r = await ktool(['console-producer', '--topic', 't'])
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([1, 'Missing required option(s) [bootstrap-server]'])
    r = await ktool(['console-producer', '--bootstrap-server', 'nohost', '--topic', 't'])
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([1, 'Please provide valid host:port like host1:9091,host2:9092'])
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap])
    expect(r.status).toBe(1)
    expect(r.stderr.startsWith('Exactly one of --include/--topic is required. ')).toBe(true)
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 't', '--offset', 'x', '--partition', '0'])
    expect(r.stderr.split('\n')[0]).toBe("The provided offset value 'x' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.")
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 't', '--group', 'a', '--consumer-property', 'group.id=b'])
    expect(r.stderr.split('\n')[0]).toBe("The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'")
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 't', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option")
  })

  it('with --group commits only what it printed (kafkajs group member)', async () => {
    let r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--group', 'cg', '--from-beginning', '--max-messages', '2'])
    expect(r).toMatchObject({status: 0, stdout: 'first\n\n', stderr: 'Processed a total of 2 messages\n'})
    r = await ktool(['consumer-groups', '--bootstrap-server', b.bootstrap, '--describe', '--group', 'cg'])
    expect(r.stdout.split('\n')[2]).toMatch(/^cg {14}fmt {13}0 {10}2 {15}3 {15}1 {15}- {15}- {15}-$/)
    r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--group', 'cg', '--max-messages', '1'])
    expect(r.stdout).toBe('third\n')
  })

  it('exits 130 on SIGINT with the total line', async () => {
    const child = spawn(process.execPath, [BIN, 'console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'fmt', '--from-beginning'], {env: CLI_ENV})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    await new Promise<void>((resolve) => {
      const check = () => (out.split('\n').length > 3 ? resolve() : setTimeout(check, 50))
      check()
    })
    child.kill('SIGINT')
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(130)
    expect(err).toBe('Processed a total of 3 messages\n')
  })
})

describe.skipIf(!requirePeers('kcat'))('interop with kcat', () => {
  it('console-consumer reads what kcat produced (keys, null values, headers)', async () => {
    await kcat(['-P', '-t', 'from-kcat', '-K', ':', '-Z', '-H', 'a=1'], 'k1:v1\nk2:\n')
    const r = await ktool(['console-consumer', '--bootstrap-server', b.bootstrap, '--topic', 'from-kcat', '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', '--property', 'print.headers=true'])
    expect(r.stdout).toBe('a:1\tk1\tv1\na:1\tk2\tnull\n')
  })

  it('kcat reads plain lines the way console-producer sent them (fast path), CRLF and empty lines included', async () => {
    const lines = Array.from({length: 30_000}, (_, i) => (i % 1000 === 0 ? '' : `plain-${i}`))
    for (const codec of ['none', 'lz4']) {
      const r = await ktool(['console-producer', '--bootstrap-server', b.bootstrap, '--topic', `plain-${codec}`, '--compression-codec', codec], {input: lines.join('\r\n')})
      expect(r, codec).toMatchObject({status: 0, stderr: ''})
      expect(await kcat(['-C', '-t', `plain-${codec}`, '-e', '-q']), codec).toBe(lines.map((l) => `${l}\n`).join(''))
    }
  })

  it('kcat reads what console-producer sent, in order, compressed or not', async () => {
    const lines = Array.from({length: 5000}, (_, i) => `line-${i}`)
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const r = await ktool(['console-producer', '--bootstrap-server', b.bootstrap, '--topic', `to-kcat-${codec}`, '--compression-codec', codec, '--property', 'parse.key=true', '--property', 'key.separator=='], {input: lines.map((l) => `key=${l}`).join('\n') + '\n'})
      expect(r, codec).toMatchObject({status: 0, stderr: ''})
      const got = await kcat(['-C', '-t', `to-kcat-${codec}`, '-e', '-q', '-f', '%k|%s\n'])
      expect(got, codec).toBe(lines.map((l) => `key|${l}\n`).join(''))
    }
  })
})
