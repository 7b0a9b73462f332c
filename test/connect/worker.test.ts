// The Connect worker in-process against ktool's own broker: every REST endpoint with its error
// cases, converters through real topics, a failing task and its restart, a plugin from plugin.path.
import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {memoryLogger} from '../../src/common/logger.js'
import {ConnectWorker} from '../../src/connect/worker.js'
import {parseWorkerConfig} from '../../src/connect/worker-config.js'
import {startBroker} from '../helpers/broker.js'
import {ROOT} from '../helpers/cli.js'
import {waitFor} from '../helpers/wait.js'

let broker: Awaited<ReturnType<typeof startBroker>>
let dir: string
let worker: ConnectWorker
let base: string

async function api(method: string, path: string, body?: unknown): Promise<{status: number; body: any; location: string | null}> {
  const res = await fetch(base + path, {method, headers: body === undefined ? {} : {'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)})
  const text = await res.text()
  return {status: res.status, body: text ? JSON.parse(text) : undefined, location: res.headers.get('location')}
}

const readLines = (f: string) => {
  try {
    return readFileSync(f, 'utf8').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '')
  } catch {
    return []
  }
}

beforeAll(async () => {
  broker = await startBroker({'group.initial.rebalance.delay.ms': '0', 'num.partitions': '1'})
  dir = mkdtempSync(join(tmpdir(), 'ktool-connect-'))
  const config = parseWorkerConfig(new Map(Object.entries({
    'bootstrap.servers': broker.bootstrap,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '200',
    listeners: 'http://127.0.0.1:0',
    'plugin.path': join(ROOT, 'examples', 'connect-plugin'),
    'consumer.session.timeout.ms': '6000',
    'consumer.heartbeat.interval.ms': '500',
  })))
  worker = new ConnectWorker(config, memoryLogger('connect').logger)
  await worker.start()
  base = `http://127.0.0.1:${worker.restPort}`
})

afterAll(async () => {
  await worker?.stop()
  await broker?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('Connect REST API', () => {
  it('GET / names the version and the Kafka cluster', async () => {
    const r = await api('GET', '/')
    expect(r.status).toBe(200)
    expect(r.body).toEqual({version: '3.7.0', commit: expect.any(String), kafka_cluster_id: expect.stringMatching(/.+/)})
  })

  it('lists the connector plugins, built-in and from plugin.path', async () => {
    const r = await api('GET', '/connector-plugins')
    expect(r.body).toEqual(expect.arrayContaining([
      {class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '3.7.0'},
      {class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '3.7.0'},
      {class: 'com.example.connect.SequenceSourceConnector', type: 'source', version: '1.0.0'},
    ]))
    const all = await api('GET', '/connector-plugins?connectorsOnly=false')
    expect(all.body.map((p: {class: string}) => p.class)).toContain('org.apache.kafka.connect.transforms.RegexRouter')
  })

  it('validates a config and reports each error in Kafka\'s words', async () => {
    const r = await api('PUT', '/connector-plugins/FileStreamSource/config/validate', {'connector.class': 'FileStreamSource', name: 'v', topic: ' ', 'batch.size': 'abcd'})
    expect(r.status).toBe(200)
    expect(r.body.name).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector')
    expect(r.body.error_count).toBe(2)
    const errors = r.body.configs.flatMap((c: {value: {errors: string[]}}) => c.value.errors)
    expect(errors).toContain('Invalid value abcd for configuration batch.size: Not a number of type INT')
    expect(errors).toContain('Invalid value  for configuration topic: String must be non-empty')
  })

  it('creates, describes, reconfigures, pauses, resumes, stops and deletes a source connector', async () => {
    const file = join(dir, 'rest-source.txt')
    writeFileSync(file, 'a\nb\nc\n')
    const config = {'connector.class': 'FileStreamSource', file, topic: 'rest-topic', 'tasks.max': '3'}
    const created = await api('POST', '/connectors', {name: 'src', config})
    expect(created.status).toBe(201)
    expect(created.location).toBe('/connectors/src')
    expect(created.body).toEqual({name: 'src', config: {...config, name: 'src'}, tasks: [{connector: 'src', task: 0}], type: 'source'})
    expect((await api('POST', '/connectors', {name: 'src', config})).body).toEqual({error_code: 409, message: 'Connector src already exists'})

    expect((await api('GET', '/connectors')).body).toContain('src')
    const expanded = await api('GET', '/connectors?expand=status&expand=info')
    expect(expanded.body.src.status.connector.state).toBe('RUNNING')
    expect(expanded.body.src.info.type).toBe('source')
    expect((await api('GET', '/connectors/src/config')).body.file).toBe(file)
    const tasks = await api('GET', '/connectors/src/tasks')
    expect(tasks.body).toEqual([{id: {connector: 'src', task: 0}, config: expect.objectContaining({'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask', topic: 'rest-topic'})}])
    const status = await api('GET', '/connectors/src/status')
    expect(status.body).toEqual({name: 'src', connector: {state: 'RUNNING', worker_id: expect.stringMatching(/:\d+$/)}, tasks: [{id: 0, state: 'RUNNING', worker_id: expect.any(String)}], type: 'source'})
    expect((await api('GET', '/connectors/src/tasks/0/status')).body.state).toBe('RUNNING')

    // Offsets appear once the three lines are acknowledged and flushed.
    await waitFor(async () => (await api('GET', '/connectors/src/offsets')).body.offsets.length === 1)
    expect((await api('GET', '/connectors/src/offsets')).body).toEqual({offsets: [{partition: {filename: file}, offset: {position: 6}}]})
    const notStopped = await api('DELETE', '/connectors/src/offsets')
    expect(notStopped.status).toBe(400)
    expect(notStopped.body.message).toMatch(/^Connectors must be in the STOPPED state before their offsets can be modified/)

    expect((await api('PUT', '/connectors/src/pause')).status).toBe(202)
    expect((await api('GET', '/connectors/src/status')).body.tasks[0].state).toBe('PAUSED')
    expect((await api('PUT', '/connectors/src/resume')).status).toBe(202)
    expect((await api('GET', '/connectors/src/status')).body.connector.state).toBe('RUNNING')

    const updated = await api('PUT', '/connectors/src/config', {...config, topic: 'rest-topic-2'})
    expect(updated.status).toBe(200)
    expect(updated.body.config.topic).toBe('rest-topic-2')
    const mismatch = await api('PUT', '/connectors/src/config', {...config, name: 'other'})
    expect(mismatch.body).toEqual({error_code: 400, message: "Connector name configuration (other) doesn't match connector name in the URL (src)"})

    expect((await api('PUT', '/connectors/src/stop')).status).toBe(204)
    const stopped = await api('GET', '/connectors/src/status')
    expect(stopped.body.connector.state).toBe('STOPPED')
    expect(stopped.body.tasks).toEqual([])
    const altered = await api('PATCH', '/connectors/src/offsets', {offsets: [{partition: {filename: file}, offset: {position: 2}}]})
    expect(altered.body).toEqual({message: 'The offsets for this connector have been altered successfully'})
    expect((await api('PATCH', '/connectors/src/offsets', {offsets: []})).body.message).toBe('Partitions / offsets need to be provided for an alter offsets request')
    expect((await api('DELETE', '/connectors/src/offsets')).body).toEqual({message: 'The offsets for this connector have been reset successfully'})
    expect((await api('GET', '/connectors/src/offsets')).body).toEqual({offsets: []})

    expect((await api('DELETE', '/connectors/src')).status).toBe(204)
    expect((await api('GET', '/connectors/src')).body).toEqual({error_code: 404, message: 'Connector src not found'})
    expect((await api('GET', '/connectors/src/status')).body).toEqual({error_code: 404, message: 'No status found for connector src'})
    expect((await api('PUT', '/connectors/src/pause')).body).toEqual({error_code: 404, message: 'Unknown connector src'})
    expect((await api('GET', '/connectors/src/tasks/0/status')).body).toEqual({error_code: 404, message: 'No status found for task src-0'})
  })

  it('refuses bad configs with Kafka\'s messages', async () => {
    const noClass = await api('POST', '/connectors', {name: 'x', config: {topic: 't'}})
    expect(noClass.status).toBe(400)
    expect(noClass.body.message).toBe('Connector config {topic=t, name=x} contains no connector type')
    const sink = await api('POST', '/connectors', {name: 'x', config: {'connector.class': 'FileStreamSink'}})
    expect(sink.status).toBe(400)
    expect(sink.body.message).toMatch(/^Connector configuration is invalid and contains the following 2 error\(s\):\nMust configure one of topics or topics.regex\n/)
    expect((await api('GET', '/no/such/path')).body).toEqual({error_code: 404, message: 'HTTP 404 Not Found'})
    expect((await api('DELETE', '/connector-plugins')).body).toEqual({error_code: 405, message: 'HTTP 405 Method Not Allowed'})
  })

  it('shows a task that throws as FAILED with its trace, and restart brings it back', async () => {
    // A JsonConverter cannot read plain text: the sink task fails.
    const source = join(dir, 'json-source.txt')
    const sink = join(dir, 'json-sink.txt')
    writeFileSync(source, 'plain text\n')
    await api('POST', '/connectors', {name: 'plain-src', config: {'connector.class': 'FileStreamSource', file: source, topic: 'plain'}})
    await waitFor(async () => (await api('GET', '/connectors/plain-src/offsets')).body.offsets.length === 1, 20_000)
    const sinkConfig = {'connector.class': 'FileStreamSink', file: sink, topics: 'plain', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter'}
    await api('POST', '/connectors', {name: 'json-sink', config: sinkConfig})
    await waitFor(async () => (await api('GET', '/connectors/json-sink/status')).body.tasks[0]?.state === 'FAILED', 20_000)
    const failed = (await api('GET', '/connectors/json-sink/status')).body.tasks[0]
    expect(failed.trace).toMatch(/^DataException: Converting byte\[\] to Kafka Connect data failed due to serialization error/)
    expect((await api('GET', '/')).status).toBe(200) // the worker keeps serving

    // With errors.tolerance=all the bad record is skipped instead, and the restart is 202 + plan.
    await api('PUT', '/connectors/json-sink/config', {...sinkConfig, 'errors.tolerance': 'all', 'value.converter.schemas.enable': 'true'})
    await waitFor(async () => (await api('GET', '/connectors/json-sink/status')).body.tasks[0]?.state === 'RUNNING')
    const restart = await api('POST', '/connectors/json-sink/restart?includeTasks=true')
    expect(restart.status).toBe(202)
    expect(restart.body.connector.state).toBe('RESTARTING')
    expect(restart.body.tasks[0].state).toBe('RESTARTING')
    await waitFor(async () => (await api('GET', '/connectors/json-sink/status')).body.tasks[0]?.state === 'RUNNING')
    expect((await api('POST', '/connectors/json-sink/tasks/0/restart')).status).toBe(204)
    appendFileSync(source, 'still plain\n')
    await new Promise((r) => setTimeout(r, 500))
    expect(readLines(sink)).toEqual([])
    await api('DELETE', '/connectors/json-sink')
    await api('DELETE', '/connectors/plain-src')
  })

  it('runs a connector from plugin.path and a sink through transforms', async () => {
    const sink = join(dir, 'seq-sink.txt')
    await api('POST', '/connectors', {name: 'numbers', config: {'connector.class': 'SequenceSource', topic: 'numbers', count: '25'}})
    // topics.regex matches the topics that exist when the sink task starts (see sink-task-runner.ts).
    await waitFor(async () => (await api('GET', '/connectors/numbers/offsets')).body.offsets.length === 1, 20_000)
    await api('POST', '/connectors', {name: 'numbers-sink', config: {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: sink, 'topics.regex': 'num.*',
      transforms: 'hoist,only', 'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value', 'transforms.hoist.field': 'n',
      'transforms.only.type': 'org.apache.kafka.connect.transforms.Filter', 'transforms.only.predicate': 'big', 'transforms.only.negate': 'true',
      predicates: 'big', 'predicates.big.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', 'predicates.big.pattern': 'numbers',
    }})
    await waitFor(() => readLines(sink).length === 25, 20_000)
    expect(readLines(sink)).toEqual(Array.from({length: 25}, (_, i) => `Struct{n=${i + 1}}`))
    expect((await api('GET', '/connectors/numbers/offsets')).body.offsets).toEqual([{partition: {sequence: 'numbers'}, offset: {next: 26}}])
  })
})
