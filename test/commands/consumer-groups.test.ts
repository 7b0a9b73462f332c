// consumer-groups through the real binary against ktool's broker while real group members run:
// a kafka-python consumer and kcat in balanced-consumer mode (-G).
import {spawn, type ChildProcess} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {ktool} from '../helpers/cli.js'
import {PYTHON, requirePeers} from '../helpers/peers.js'
import {waitFor} from '../helpers/wait.js'

let b: StartedBroker
const children: ChildProcess[] = []
const groups = (...args: string[]) => ktool(['consumer-groups', '--bootstrap-server', b.bootstrap, ...args])

function member(cmd: string, args: string[]): {child: ChildProcess; output: () => string; errors: () => string} {
  const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)))
  return {child, output: () => out, errors: () => err}
}

const PY = `
import sys
from kafka import KafkaConsumer
c = KafkaConsumer('gt', bootstrap_servers=sys.argv[1], group_id='pyg', client_id='py-client',
                  auto_offset_reset='earliest', enable_auto_commit=True, auto_commit_interval_ms=200)
for m in c:
    print(m.partition, m.offset, flush=True)
`

beforeAll(async () => {
  b = await startBroker()
})
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await b?.stop()
})

describe.skipIf(!requirePeers('kcat', 'python3-kafka'))('consumer-groups with kafka-python and kcat members', () => {
  let py: ReturnType<typeof member>

  it('lists and describes running groups', async () => {
    expect((await ktool(['topics', '--bootstrap-server', b.bootstrap, '--create', '--topic', 'gt', '--partitions', '2'])).status).toBe(0)
    const input = Array.from({length: 10}, (_, i) => `k${i}\tv${i}`).join('\n') + '\n'
    expect((await ktool(['console-producer', '--bootstrap-server', b.bootstrap, '--topic', 'gt', '--property', 'parse.key=true'], {input})).status).toBe(0)
    py = member(PYTHON, ['-c', PY, b.bootstrap])
    const kc = member('kcat', ['-u', '-b', b.bootstrap, '-G', 'kg', '-o', 'beginning', '-f', '%p %o\n', 'gt'])
    await waitFor(() => py.output().trim().split('\n').length >= 10 && kc.output().trim().split('\n').length >= 10, 30_000, 'both members to read the 10 records').catch((e) => {
      throw new Error(`${(e as Error).message}; kafka-python: ${JSON.stringify(py.output())}, kcat: ${JSON.stringify(kc.output())}, stderr: ${py.errors()} ${kc.errors()}`)
    })
    // kafka-python commits every 200 ms; wait for its offsets.
    await waitFor(async () => !(await groups('--describe', '--group', 'pyg')).stdout.includes(' - '), 15_000, 'committed offsets')

    let r = await groups('--list')
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['kg', 'pyg'])
    r = await groups('--list', '--state', 'Stable')
    expect(r.stdout.split('\n')[0]).toBe('GROUP           STATE')
    expect(r.stdout.split('\n').slice(1).filter(Boolean).sort()).toEqual(['kg              Stable', 'pyg             Stable'])

    r = await groups('--describe', '--group', 'pyg')
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('')
    const memberId = /(py-client-\S+)/.exec(r.stdout)![1]!
    const c = Math.max(15, memberId.length)
    expect(lines[1]).toBe(`GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${'CONSUMER-ID'.padEnd(c)} HOST            CLIENT-ID`)
    const rows = lines.slice(2).filter(Boolean)
    expect(rows).toHaveLength(2)
    let total = 0
    for (const [i, row] of rows.entries()) {
      const m = new RegExp(`^pyg {13}gt {14}${i} {10}(\\d+) +(\\d+) +0 {15}${memberId.replace(/[-]/g, '\\-')} +/127\\.0\\.0\\.1 {6}py-client$`).exec(row)
      expect(m, row).not.toBeNull()
      expect(m![1]).toBe(m![2])
      total += Number(m![1])
    }
    expect(total).toBe(10)

    r = await groups('--describe', '--group', 'pyg', '--members', '--verbose')
    expect(r.stdout.split('\n')[1]).toBe(`GROUP           ${'CONSUMER-ID'.padEnd(c)} HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT`)
    expect(r.stdout.split('\n')[2]).toBe(`pyg             ${memberId.padEnd(c)} /127.0.0.1      py-client       2               gt(0,1)`)

    r = await groups('--describe', '--group', 'kg', '--state')
    expect(r.stdout).toBe(`\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n${'kg'.padEnd(25)} ${`127.0.0.1:${b.port} (0)`.padEnd(25)} ${'range'.padEnd(20)} Stable          1\n`)

    r = await groups('--describe', '--group', 'nope')
    expect(r).toMatchObject({status: 0, stdout: "\nError: Consumer group 'nope' does not exist.\n"})

    r = await groups('--reset-offsets', '--group', 'pyg', '--topic', 'gt', '--to-earliest', '--execute')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe("\nError: Assignments can only be reset if the group 'pyg' is inactive, but the current state is Stable.\n\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n")
  }, 90_000)

  it('resets, exports and deletes offsets of an inactive group, then deletes it', async () => {
    py.child.kill('SIGKILL')
    // The member leaves when its session times out (kafka-python's default is 10 s).
    await waitFor(async () => (await groups('--describe', '--group', 'pyg', '--state')).stdout.includes('Empty'), 40_000, 'pyg to become Empty')
    let r = await groups('--describe', '--group', 'pyg')
    expect(r.stderr).toBe("\nConsumer group 'pyg' has no active members.\n")
    expect(r.stdout.split('\n')[2]).toMatch(/^pyg {13}gt {14}0 {10}\d+ +\d+ +0 {15}- {15}- {15}-$/)

    r = await groups('--reset-offsets', '--group', 'pyg', '--topic', 'gt:1', '--to-offset', '1')
    expect(r.stderr.split('\n')[0]).toMatch(/^WARN: No action will be performed as the --execute option is missing\.In a future major release/)
    expect(r.stdout).toBe('\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \npyg                            gt                             1          1              \n')

    r = await groups('--reset-offsets', '--group', 'pyg', '--all-topics', '--to-earliest', '--execute', '--export')
    expect(r).toMatchObject({status: 0, stdout: 'gt,0,0\ngt,1,0\n\n'})
    r = await groups('--describe', '--group', 'pyg')
    expect(r.stdout.split('\n').slice(2, 4).map((l) => l.split(/ +/).slice(3, 4)[0])).toEqual(['0', '0'])

    r = await groups('--reset-offsets', '--group', 'pyg', '--topic', 'gt', '--shift-by', '-5', '--dry-run')
    expect(r.stdout.split('\n').slice(2, 4).map((l) => l.trim().split(/ +/)[3])).toEqual(['0', '0'])

    r = await groups('--delete-offsets', '--group', 'pyg', '--topic', 'gt:0')
    expect(r.stdout).toBe('Request succeed for deleting offsets with topic gt:0 group pyg\n\nTOPIC                          PARTITION       STATUS         \ngt                             0               Successful     \n')

    r = await groups('--delete', '--group', 'pyg')
    expect(r).toMatchObject({status: 0, stdout: "Deletion of requested consumer groups ('pyg') was successful.\n"})
    r = await groups('--delete', '--group', 'kg')
    expect(r.stdout).toBe("\nError: Deletion of some consumer groups failed:\n* Group 'kg' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n")
  }, 90_000)

  it('rejects bad command lines with Kafka\'s usage messages', async () => {
    const first = async (...args: string[]) => {
      const r = await groups(...args)
      expect(r.status).toBe(1)
      return r.stderr.split('\n')[0]
    }
    expect(await first('--describe')).toBe('Option [describe] takes one of these options: [group], [all-groups]')
    expect(await first('--list', '--describe')).toBe('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets')
    expect(await first('--describe', '--group', 'g', '--members', '--state')).toBe('Option [describe] takes at most one of these options: [members], [offsets], [state]')
    expect(await first('--reset-offsets', '--group', 'g', '--to-earliest', '--to-latest', '--dry-run')).toBe('Option "[to-earliest]" can\'t be used with option "[to-latest]"')
    expect(await first('--reset-offsets', '--group', 'g', '--to-earliest', '--dry-run')).toBe('One of the reset scopes should be defined: --all-topics, --topic.')
    expect(await first('--list', '--state', 'stable')).toBe("Invalid state list 'stable'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty")
    expect(await first('--list', '--members')).toBe('Option(s) [members] are unavailable given other options on the command line')
    const r = await ktool(['consumer-groups', '--list'])
    expect(r.stderr.split('\n')[0]).toBe('Missing required argument "[bootstrap-server]"')
  })
})
