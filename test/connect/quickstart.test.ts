// Kafka's Connect quickstart through the real `ktool connect-standalone` against ktool's broker:
// file source -> topic connect-test -> file sink; lines appended later arrive; a clean restart
// repeats nothing; a SIGKILL in the middle of a large file loses nothing (at-least-once).
import {spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker} from '../helpers/broker.js'
import {BIN, CLI_ENV} from '../helpers/cli.js'
import {waitFor} from '../helpers/wait.js'

let broker: Awaited<ReturnType<typeof startBroker>>
let dir: string
/** Every worker started here, so that a failed test leaves none running. */
const workers: ChildProcess[] = []

beforeAll(async () => {
  broker = await startBroker({'num.partitions': '1'})
  dir = mkdtempSync(join(tmpdir(), 'ktool-quickstart-'))
})

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL')
  await broker?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

function lines(file: string): string[] {
  try {
    const text = readFileSync(file, 'utf8')
    return text === '' ? [] : text.replace(/\n$/, '').split('\n')
  } catch {
    return []
  }
}

/** Writes the quickstart's three files (worker, source, sink) for one scenario. */
function quickstartFiles(name: string): {worker: string; source: string; sink: string; input: string; output: string} {
  const input = join(dir, `${name}.txt`)
  const output = join(dir, `${name}.sink.txt`)
  const worker = join(dir, `${name}-worker.properties`)
  writeFileSync(worker, [
    `bootstrap.servers=${broker.bootstrap}`,
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable=true',
    'value.converter.schemas.enable=true',
    `offset.storage.file.filename=${join(dir, `${name}.offsets`)}`,
    'offset.flush.interval.ms=300',
    'listeners=http://127.0.0.1:0',
    // A killed worker's sink member stays in its group until its session times out; keep it short.
    'consumer.session.timeout.ms=6000',
    'consumer.heartbeat.interval.ms=1000',
  ].join('\n') + '\n')
  const source = join(dir, `${name}-source.properties`)
  writeFileSync(source, `name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${name}\n`)
  const sink = join(dir, `${name}-sink.properties`)
  writeFileSync(sink, `name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=${output}\ntopics=${name}\n`)
  return {worker, source, sink, input, output}
}

function startWorker(files: {worker: string; source: string; sink: string}): {child: ChildProcess; log: () => string; exit: Promise<number | null>} {
  const child = spawn(process.execPath, [BIN, 'connect-standalone', files.worker, files.source, files.sink], {env: CLI_ENV})
  workers.push(child)
  let log = ''
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return {child, log: () => log, exit}
}

describe('connect-standalone quickstart', () => {
  it('copies a file through a topic, follows appends, and stops cleanly on SIGTERM', async () => {
    const f = quickstartFiles('connect-test')
    const input = Array.from({length: 2000}, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`)
    writeFileSync(f.input, input.join('\n') + '\n')
    const w = startWorker(f)
    await waitFor(() => /Kafka Connect started/.test(w.log()), 15_000, 'Kafka Connect started')
    await waitFor(() => lines(f.output).length >= input.length, 30_000, 'the sink to catch up').catch((e) => {
      throw new Error(`${e.message}\n${w.log()}`)
    })
    expect(lines(f.output)).toEqual(input)
    appendFileSync(f.input, 'later one\nlater two\n')
    await waitFor(() => lines(f.output).length === input.length + 2, 15_000, 'appended lines')
    expect(lines(f.output).slice(-2)).toEqual(['later one', 'later two'])
    w.child.kill('SIGTERM')
    expect(await w.exit).toBe(0)
    expect(w.log()).toMatch(/Created connector local-file-source/)

    // A clean restart resumes from the stored offsets: nothing is sent twice.
    const again = startWorker(f)
    await waitFor(() => /Created connector local-file-sink/.test(again.log()), 15_000, 'restart')
    appendFileSync(f.input, 'after restart\n')
    await waitFor(() => lines(f.output).at(-1) === 'after restart', 15_000, 'the line appended after restart')
    expect(lines(f.output)).toEqual([...input, 'later one', 'later two', 'after restart'])
    again.child.kill('SIGINT')
    expect(await again.exit).toBe(0)
  }, 90_000)

  it('loses no line when the worker is killed with SIGKILL in the middle of a large file', async () => {
    const f = quickstartFiles('kill-test')
    const input = Array.from({length: 60_000}, (_, i) => `record ${i}`)
    writeFileSync(f.input, input.join('\n') + '\n')
    const first = startWorker(f)
    await waitFor(() => lines(f.output).length > 5_000, 60_000, 'some lines in the sink')
    first.child.kill('SIGKILL')
    await first.exit
    const delivered = lines(f.output).length
    expect(delivered).toBeLessThan(input.length) // killed in the middle

    const second = startWorker(f)
    await waitFor(() => new Set(lines(f.output)).size === input.length, 90_000, 'every line in the sink')
    second.child.kill('SIGTERM')
    expect(await second.exit).toBe(0)

    // At-least-once: every line arrives, in order of first appearance. Lines may appear twice
    // where the source re-reads past its last flushed offset, or the sink re-writes past its
    // last committed offset; never more than twice, and never the whole file.
    const out = lines(f.output)
    const firstSeen: string[] = []
    const seen = new Set<string>()
    for (const l of out) if (!seen.has(l)) (seen.add(l), firstSeen.push(l))
    expect(firstSeen).toEqual(input)
    const duplicates = out.length - input.length
    const counts = new Map<string, number>()
    for (const l of out) counts.set(l, (counts.get(l) ?? 0) + 1)
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(3)
    expect(duplicates).toBeLessThan(input.length)
    console.log(`connect SIGKILL: ${delivered} lines before the kill, ${duplicates} written twice after the restart (at-least-once)`)
  }, 180_000)

  it('exits 1 with Kafka\'s usage line, 2 when the worker properties are incomplete, 3 when a connector cannot be created', async () => {
    const usage = spawn(process.execPath, [BIN, 'connect-standalone'], {env: CLI_ENV})
    let out = ''
    usage.stdout.on('data', (d) => (out += d))
    expect(await new Promise((r) => usage.on('exit', r))).toBe(1)
    expect(out).toContain('USAGE: ktool connect-standalone [-daemon] connect-standalone.properties')
    const bad = join(dir, 'bad-worker.properties')
    writeFileSync(bad, `bootstrap.servers=${broker.bootstrap}\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n`)
    const child = spawn(process.execPath, [BIN, 'connect-standalone', bad], {env: CLI_ENV})
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    expect(await new Promise((r) => child.on('exit', r))).toBe(2)
    expect(err).toContain('Missing required configuration "key.converter" which has no default value.')

    // A connector from the command line that cannot be created: exit 3.
    const f = quickstartFiles('bad-connector')
    writeFileSync(f.source, 'name=broken\nconnector.class=com.example.NoSuchConnector\n')
    const broken = spawn(process.execPath, [BIN, 'connect-standalone', f.worker, f.source], {env: CLI_ENV})
    let log = ''
    broken.stderr.on('data', (d) => (log += d))
    expect(await new Promise((r) => broken.on('exit', r))).toBe(3)
    expect(log).toContain(`Failed to create connector for ${f.source}`)
    expect(log).toContain('Stopping after connector error')
  }, 30_000)
})
