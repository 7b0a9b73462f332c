// The Kafka tool commands start from dist/bundle/kafka-tools.cjs (oclif and the commands in one
// CommonJS file run with a V8 code cache, src/cli/fast-path.ts: toolBundle, runTool) when it is
// current: the same bytes on stdout and stderr and the same exit codes as plain oclif from dist/
// (KTOOL_NO_BUNDLE=1), and never from a stale bundle.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {TOOL_COMMANDS, toolBundle} from '../../src/cli/fast-path.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {BIN, CLI_ENV, ROOT} from '../helpers/cli.js'
import {distLayout} from '../helpers/dist-layout.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
afterEach(() => {
  delete process.env.KTOOL_NO_BUNDLE
  delete process.env.KTOOL_NO_FAST_PATH
})

const layout = (name: string, files: Parameters<typeof distLayout>[2]): string => distLayout(dir, name, files)

describe('TOOL_COMMANDS', () => {
  it('names each bundled command under its id and every alias the manifest gives it', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {aliases?: string[]; hiddenAliases?: string[]}>}
    const ids = new Set(Object.values(TOOL_COMMANDS))
    expect([...ids].sort()).toEqual(['console-consumer', 'console-producer', 'consumer-groups', 'dump-log', 'topics'])
    for (const id of ids) {
      const names = [id, ...(manifest.commands[id]?.aliases ?? []), ...(manifest.commands[id]?.hiddenAliases ?? [])].sort()
      expect(Object.keys(TOOL_COMMANDS).filter((k) => TOOL_COMMANDS[k] === id).sort(), id).toEqual(names)
    }
  })
})

describe('toolBundle', () => {
  it('takes the bundle for a tool command when it is at least as new as the command\'s tsc output', () => {
    const from = layout('fresh', {'commands/topics.js': [1000], 'commands/dump-log.js': [1000], 'bundle/kafka-tools.cjs': [1000]})
    expect(toolBundle(['topics', '--list'], from)).toMatch(/\/fresh\/dist\/bundle\/kafka-tools\.cjs$/)
    expect(toolBundle(['kafka-dump-log.sh', '--files', 'x'], from)).not.toBeNull()
    // After `--` a --help is an argument, not oclif's help flag.
    expect(toolBundle(['topics', '--', '--help'], from)).not.toBeNull()
  })

  it('is null for help, other commands, a stale or missing bundle, KTOOL_NO_BUNDLE=1 and KTOOL_NO_FAST_PATH=1', () => {
    const from = layout('others', {'commands/topics.js': [1000], 'commands/zktop.js': [1000], 'bundle/kafka-tools.cjs': [2000]})
    expect(toolBundle(['topics', '--list', '--help'], from)).toBeNull()
    expect(toolBundle(['zktop'], from)).toBeNull()
    expect(toolBundle([], from)).toBeNull()
    expect(toolBundle(['topics'], layout('stale', {'commands/topics.js': [2000], 'bundle/kafka-tools.cjs': [1000]}))).toBeNull()
    expect(toolBundle(['topics'], layout('none', {'commands/topics.js': [1000]}))).toBeNull()
    process.env.KTOOL_NO_BUNDLE = '1'
    expect(toolBundle(['topics'], from)).toBeNull()
    delete process.env.KTOOL_NO_BUNDLE
    process.env.KTOOL_NO_FAST_PATH = '1'
    expect(toolBundle(['topics'], from)).toBeNull()
  })
})

describe('runTool', () => {
  it('runs execute from the bundle with the command class it holds, and writes the code cache as the process exits', () => {
    const now = Date.now() / 1000
    // A stand-in for the bundle: a Config whose root plugin knows no command, an execute that
    // asks it for one (as oclif's run does) and prints what it got.
    const source = `exports.commands = {topics: async () => ({default: class Topics {}})}
exports.Config = {load: async (root) => ({root, rootPlugin: {findCommand: async (id) => 'plain ' + id}})}
exports.execute = async ({args, loadOptions}) => {
  const cmd = await loadOptions.rootPlugin.findCommand(args[0], {must: true})
  process.stdout.write([loadOptions.root, typeof cmd === 'string' ? cmd : cmd.name + ' ' + cmd.id + ' ' + cmd.relativePath.join('/')].join(' ') + '\\n')
}`
    layout('run', {'commands/topics.js': [now - 10], 'bundle/kafka-tools.cjs': [now, source]})
    const bundle = join(dir, 'run', 'dist', 'bundle', 'kafka-tools.cjs')
    const run = (id: string) => spawnSync(process.execPath, ['--input-type=module', '-e',
      `const {runTool} = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cli', 'fast-path.js')).href)})
       await runTool(${JSON.stringify(bundle)}, [${JSON.stringify(id)}], new URL('file:///ktool/bin/run.js'))`], {encoding: 'utf8', env: CLI_ENV})
    const r = run('topics')
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('/ktool/bin/run.js Topics topics dist/commands/topics.js\n')
    expect(run('zktop').stdout).toBe('/ktool/bin/run.js plain zktop\n')
    const cache = readFileSync(`${bundle}.cache`)
    expect(cache.readDoubleLE(0)).toBe(statSync(bundle).mtimeMs)
    expect(cache.readDoubleLE(8)).toBe(statSync(bundle).size)
    // Accepted by V8 the next time: not written again.
    const written = statSync(`${bundle}.cache`).mtimeMs
    expect(run('topics').status).toBe(0)
    expect(statSync(`${bundle}.cache`).mtimeMs).toBe(written)
  })
})

// Prints, as the process exits, which @oclif/core ran: the package's files loaded by Node
// (plain oclif), or none (the bundle's copy).
const probe = join(dir, 'probe.cjs')
writeFileSync(probe, `process.on('exit', () => process.stderr.write('[oclif from ' + (Object.keys(require.cache).some((k) => k.includes('/@oclif/core/lib/')) ? 'node_modules' : 'bundle') + ']\\n'))\n`)

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function ktoolRun(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, BIN, ...args], {env: {...CLI_ENV, ...env}})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({status, stdout, stderr})
    })
    child.stdin.end(input)
  })
}

// The log4j-style timestamp of an error line differs from one run to the next.
const TIMESTAMP = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] /gm

describe('a tool command spawned from the bundle and from dist/', () => {
  let broker: StartedBroker
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker?.stop()
  })

  /** Runs `args` both ways (bundle first); both must print the same and exit alike. */
  async function same(args: string[], input = ''): Promise<Run> {
    const bundled = await ktoolRun(args, {}, input)
    const plain = await ktoolRun(args, {KTOOL_NO_BUNDLE: '1'}, input)
    expect(bundled.stderr, args.join(' ')).toMatch(/\[oclif from bundle\]\n$/)
    expect(plain.stderr, args.join(' ')).toMatch(/\[oclif from node_modules\]\n$/)
    const norm = (r: Run) => ({status: r.status, stdout: r.stdout.replace(TIMESTAMP, ''), stderr: r.stderr.replace(TIMESTAMP, '').replace(/\[oclif from \w+\]\n$/, '')})
    expect(norm(bundled), args.join(' ')).toEqual(norm(plain))
    return bundled
  }

  it('the build made a current bundle (npm run build)', () => {
    expect(toolBundle(['topics'], pathToFileURL(join(ROOT, 'dist', 'cli', 'fast-path.js')).href), 'dist/bundle/kafka-tools.cjs missing or older than dist/commands: run npm run build').not.toBeNull()
  })

  it('topics: usage, create, list, describe, errors, --version, the Kafka script name', async () => {
    const b = ['--bootstrap-server', broker.bootstrap]
    expect((await same(['topics'])).status).toBe(1)
    expect((await ktoolRun(['topics', ...b, '--create', '--topic', 'made', '--partitions', '2'], {})).stdout).toBe('Created topic made.\n')
    expect((await same(['topics', ...b, '--create', '--topic', 'made'])).stdout).toMatch(/Topic 'made' already exists/)
    expect((await same(['topics', ...b, '--list'])).stdout).toBe('made\n')
    expect((await same(['kafka-topics.sh', ...b, '--describe', '--topic', 'made'])).stdout).toMatch(/^Topic: made\t/)
    expect((await same(['topics', ...b, '--bogus'])).status).toBe(1)
    expect((await same(['topics', ...b, '--list', '--topic', '('])).status).toBe(1)
    expect((await same(['topics', '-bootstrap-server', broker.bootstrap, '-list'])).stdout).toBe('made\n')
    expect((await same(['topics', '--version'])).status).toBe(0)
  }, 60_000)

  it('console-producer from stdin, console-consumer, consumer-groups, dump-log', async () => {
    const b = ['--bootstrap-server', broker.bootstrap]
    await same(['console-producer', ...b, '--topic', 'lines'], 'one\ntwo\n')
    const consumed = await same(['console-consumer', ...b, '--topic', 'lines', '--from-beginning', '--max-messages', '4', '--timeout-ms', '10000'])
    expect(consumed.stdout).toBe('one\ntwo\none\ntwo\n')
    expect((await same(['console-producer'])).status).toBe(1)
    await same(['consumer-groups', ...b, '--list'])
    const partition = readdirSync(broker.logDir).find((d) => d.startsWith('lines-'))!
    const segment = join(broker.logDir, partition, '00000000000000000000.log')
    expect((await same(['dump-log', '--files', segment, '--print-data-log'])).stdout).toMatch(/payload: two/)
    await same(['kafka-dump-log.sh', '--files', join(dir, 'no-such.log')])
  }, 90_000)
})
