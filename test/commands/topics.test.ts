// kafka-topics' examples through the real binary against ktool's broker, compared to the exact text.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {ktool} from '../helpers/cli.js'

let b: StartedBroker
const topics = (...args: string[]) => ktool(['topics', '--bootstrap-server', b.bootstrap, ...args])

beforeAll(async () => {
  b = await startBroker()
})
afterAll(async () => {
  await b?.stop()
})

describe('topics against ktool\'s broker', () => {
  it('creates, lists and describes topics', async () => {
    let r = await topics('--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '1')
    expect(r).toMatchObject({status: 0, stdout: 'Created topic orders.\n'})
    r = await topics('--create', '--topic', 'my.events', '--config', 'cleanup.policy=compact', '--config', 'retention.ms=1000')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic my.events.\n")
    r = await topics('--list', '--exclude-internal')
    expect(r).toMatchObject({status: 0, stdout: 'my.events\norders\n'})
    r = await topics('--describe', '--topic', 'orders,my.events')
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^Topic: my\.events\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: /)
    expect(lines[0]!.split('Configs: ')[1]!.split(',').sort()).toEqual(['cleanup.policy=compact', 'retention.ms=1000'])
    expect(lines[1]).toBe('\tTopic: my.events\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0')
    expect(lines[2]).toMatch(/^Topic: orders\tTopicId: \S{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: $/)
    expect(lines.slice(3)).toEqual([0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`).concat(''))
    r = await topics('--describe', '--topics-with-overrides')
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(['Topic: my.events'])
    r = await topics('--describe', '--under-replicated-partitions')
    expect(r).toMatchObject({status: 0, stdout: ''})
    const id = /TopicId: (\S+)/.exec(lines[2]!)![1]!
    r = await topics('--describe', '--topic-id', id)
    expect(r.stdout.split('\n')[0]).toContain('Topic: orders\t')
  })

  it('reports execution errors on stdout with exit 1', async () => {
    let r = await topics('--create', '--topic', 'orders')
    expect(r).toMatchObject({status: 1, stdout: "Error while executing topic command : Topic 'orders' already exists.\n"})
    r = await topics('--create', '--topic', 'orders', '--if-not-exists')
    expect(r).toMatchObject({status: 0, stdout: ''})
    r = await topics('--create', '--topic', 'bad name')
    expect(r.stdout).toBe("Error while executing topic command : Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'\n")
    r = await topics('--create', '--topic', 'x', '--partitions', '0')
    expect(r.stdout).toBe('Error while executing topic command : The partitions must be greater than 0\n')
    r = await topics('--create', '--topic', 'x', '--config', 'message.timestamp.type=boom')
    expect(r.stdout).toBe('Error while executing topic command : Invalid value boom for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime\n')
    r = await topics('--create', '--topic', 'x', '--config', 'compression.zstd.level=23')
    expect(r.stdout).toBe('Error while executing topic command : Invalid value 23 for configuration compression.zstd.level: Value must be no more than 22\n')
    r = await topics('--create', '--topic', 'leveled', '--config', 'compression.type=gzip', '--config', 'compression.gzip.level=1')
    expect(r).toMatchObject({status: 0, stdout: 'Created topic leveled.\n'})
    r = await topics('--describe', '--topic', 'nope')
    expect(r).toMatchObject({status: 1, stdout: "Error while executing topic command : Topic 'nope' does not exist as expected\n"})
    r = await topics('--delete', '--topic', 'nope', '--if-exists')
    expect(r).toMatchObject({status: 0, stdout: ''})
    expect(r.stderr).not.toContain('    at ')
  })

  it('alters the partition count and deletes by pattern', async () => {
    let r = await topics('--alter', '--topic', 'orders', '--partitions', '5')
    expect(r).toMatchObject({status: 0, stdout: ''})
    r = await topics('--describe', '--topic', 'orders')
    expect(r.stdout).toContain('PartitionCount: 5')
    r = await topics('--alter', '--topic', 'orders', '--partitions', '2')
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^Error while executing topic command : .*5.*2/)
    r = await topics('--delete', '--topic', 'my\\..*')
    expect(r).toMatchObject({status: 0, stdout: ''})
    r = await topics('--list')
    expect(r.stdout.split('\n')).not.toContain('my.events')
  })

  it('rejects bad command lines with usage errors (stderr, exit 1)', async () => {
    const first = async (args: string[]) => {
      const r = await ktool(['topics', ...args])
      expect(r.status).toBe(1)
      return r.stderr.split('\n')[0]
    }
    expect(await first(['--bootstrap-server', b.bootstrap])).toBe('Command must include exactly one action: --list, --describe, --create, --alter or --delete')
    expect(await first(['--list'])).toBe('--bootstrap-server must be specified')
    expect(await first(['--bootstrap-server', b.bootstrap, '--create'])).toBe('Missing required argument "[topic]"')
    expect(await first(['--bootstrap-server', b.bootstrap, '--list', '--partitions', '3'])).toBe('Option "[partitions]" can\'t be used with option "[list]"')
    expect(await first(['--bootstrap-server', b.bootstrap, '--alter', '--topic', 't', '--config', 'a=b'])).toBe('Option combination "[[bootstrap-server], [config]]" can\'t be used with option "[alter]" (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)')
    expect(await first(['--bootstrap-server', b.bootstrap, '--create', '--topic', 't', '--replica-assignment', '0', '--partitions', '1'])).toBe('Option "[replica-assignment]" can\'t be used with option "[partitions]"')
    expect(await first(['--bootstrap-server', b.bootstrap, '--list', '--partitions', 'abc'])).toBe("Cannot parse argument 'abc' of option partitions")
    expect(await first(['--boot', 'x'])).toBe('boot is not a recognized option')
    expect(await first(['--bootstrap-server', b.bootstrap, '--describe', '--if-exists'])).toBe('--topic or --topic-id is required to describe a topic')
  })

  it('accepts single-dash long options and fails fast on an unreachable server', async () => {
    const r = await ktool(['kafka-topics.sh', '-bootstrap-server', b.bootstrap, '-list', '-topic', 'orders'])
    expect(r).toMatchObject({status: 0, stdout: 'orders\n'})
    const started = Date.now()
    const down = await ktool(['topics', '--bootstrap-server', '127.0.0.1:1', '--list'])
    expect(down.status).toBe(1)
    expect(down.stdout).toMatch(/^Error while executing topic command : Could not reach any bootstrap server/)
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})
