// Answers `ktool --version`, `ktool --help` and `ktool <command> --help` on a pipe without loading
// @oclif/core (about 150 ms), from the texts oclif itself rendered at build time
// (scripts/gen-help-cache.mjs). Returns null when oclif must handle the invocation.
// Also: the servers' start from their bundles (serverLaunch, loadServer) and the Kafka tool
// commands' start from the tools bundle, oclif included (toolBundle, runTool).
import {isAscii} from 'node:buffer'
import {readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

interface HelpCache {
  version: string
  entries: Record<string, string>
}

export function fastPath(args: readonly string[], cacheFile: URL, packageJson: URL): string | null {
  if (process.env.KTOOL_NO_HELP_CACHE === '1' || process.stdout.isTTY) return null
  try {
    if (args.length === 1 && args[0] === '--version') {
      const {version} = JSON.parse(readFileSync(packageJson, 'utf8')) as {version: string}
      return `ktool/${version} ${process.platform}-${process.arch} node-${process.version}\n`
    }
    const key = args.join(' ')
    if (!key.endsWith('--help') || args.length > 2) return null
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as HelpCache
    return cache.entries[key] ?? null
  } catch {
    return null // no cache (a build without it): oclif answers
  }
}

const SERVER_COMMANDS: Record<string, 'broker' | 'zookeeper'> = {
  'server-start': 'broker', 'kafka-server-start': 'broker', 'kafka-server-start.sh': 'broker',
  'zookeeper-start': 'zookeeper', 'zookeeper-server-start': 'zookeeper', 'zookeeper-server-start.sh': 'zookeeper',
}

export interface ServerLaunch {
  kind: 'broker' | 'zookeeper'
  positional: string[]
  overrides: string[]
}

/**
 * The servers' plain invocations (positional arguments and `--override k=v`) start without
 * loading @oclif/core, which would double a server's start-up time. Anything else (--help,
 * --version, -daemon, a stray flag, a second properties file for the broker) goes to the oclif
 * command, which owns the messages for those.
 */
export function serverLaunch(args: readonly string[]): ServerLaunch | null {
  const kind = SERVER_COMMANDS[args[0] ?? '']
  if (!kind || process.env.KTOOL_NO_FAST_PATH === '1') return null
  const positional: string[] = []
  const overrides: string[] = []
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!
    if (a === '--override' && i + 1 < args.length) overrides.push(args[++i]!)
    else if (a.startsWith('--override=')) overrides.push(a.slice('--override='.length))
    else if (a.startsWith('-')) return null
    else positional.push(a)
  }
  if (kind === 'broker' && positional.length > 1) return null
  return {kind, positional, overrides}
}

const PLAIN = {broker: '../broker/run-server.js', zookeeper: '../zookeeper/run.js'} as const
const BUNDLES = {broker: '../bundle/run-server.cjs', zookeeper: '../bundle/zookeeper-run.cjs'} as const

/**
 * The build's bundle of a server (dist/bundle/, made by scripts/bundle-servers.mjs) when it is
 * at least as new as the tsc output it was made from, else null (run the plain dist/ modules).
 * tsc rewrites every output file, so a `tsc` run after the last bundle (the edit-compile loop)
 * makes the plain files win: a stale bundle never runs. KTOOL_NO_BUNDLE=1 always takes the plain
 * files. `from` is this module's own URL (a parameter so that tests can point it elsewhere).
 */
export function serverBundle(kind: 'broker' | 'zookeeper', from: string = import.meta.url): string | null {
  if (process.env.KTOOL_NO_BUNDLE === '1') return null
  const bundle = fileURLToPath(new URL(BUNDLES[kind], from))
  try {
    if (statSync(bundle).mtimeMs >= statSync(new URL(PLAIN[kind], from)).mtimeMs) return bundle
  } catch {
    // no bundle (a build without it, or tsc alone): the plain files
  }
  return null
}

/** A server's module (runServerStart / runZooKeeperStart): from its bundle, else from dist/. */
export async function loadServer(kind: 'broker' | 'zookeeper', from: string = import.meta.url): Promise<Record<string, unknown>> {
  const bundle = serverBundle(kind, from)
  return bundle === null ? import(new URL(PLAIN[kind], from).href) : runBundle(bundle)
}

/** How long after start a server writes the code cache it lacked (start-up work done by then). */
const CACHE_AFTER_MS = 1000

/**
 * Runs a bundle as a CommonJS module through vm.Script with its V8 code cache (<bundle>.cache):
 * Node 20 keeps no compile cache for ES modules, and compiling the broker's code was about a
 * fifth of its CPU to its first Metadata. The cache starts with the bundle's mtime and size; one
 * made from another build is ignored. Without a usable cache (none yet, another build, or V8
 * refused it: another node version or V8 flags) the server writes one once it has started,
 * atomically; a read-only install goes without.
 */
async function runBundle(file: string, cacheAtExit = false): Promise<Record<string, unknown>> {
  const [{default: vm}, {createRequire}] = await Promise.all([import('node:vm'), import('node:module')])
  const {mtimeMs, size} = statSync(file)
  // An ASCII bundle (scripts/bundle-servers.mjs makes it so) read as latin1: the same string,
  // one byte per character, without decoding UTF-8 (about 5 ms for the broker's here).
  const bytes = readFileSync(file)
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')
  const stamp = Buffer.alloc(16)
  stamp.writeDoubleLE(mtimeMs, 0)
  stamp.writeDoubleLE(size, 8)
  const cacheFile = `${file}.cache`
  let cachedData: Buffer | undefined
  try {
    const cache = readFileSync(cacheFile)
    if (cache.length > stamp.length && cache.subarray(0, stamp.length).equals(stamp)) cachedData = cache.subarray(stamp.length)
  } catch {
    // no cache yet
  }
  // The parameters scripts/bundle-servers.mjs builds for: CommonJS's, and the bundle's own URL.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __ktoolBundleUrl) {${source}
})`, {filename: file, cachedData})
  const module = {exports: {} as Record<string, unknown>}
  ;(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href)
  if (cachedData === undefined || script.cachedDataRejected) {
    const write = () => {
      try {
        const now = statSync(file)
        if (now.mtimeMs !== mtimeMs || now.size !== size) return // rebuilt meanwhile
        const tmp = `${cacheFile}.tmp-${process.pid}`
        writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]))
        renameSync(tmp, cacheFile)
      } catch {
        // read-only install: start without a cache
      }
    }
    // A tool command may be done within the second: it writes the cache as it exits, with the
    // functions it ran compiled.
    if (cacheAtExit) process.once('exit', write)
    else setTimeout(write, CACHE_AFTER_MS).unref()
  }
  return module.exports
}

/**
 * The Kafka tool commands (id or alias -> command id) that start from the tools bundle
 * (dist/bundle/kafka-tools.cjs: the commands and @oclif/core in one CommonJS file with a code
 * cache, made by scripts/bundle-servers.mjs from this table). Loading @oclif/core as ES-module
 * imports of 200-odd CommonJS files, uncached, was most of such a command's start-up. The
 * aliases are the commands' hiddenAliases (test/cli/tool-bundle.test.ts checks them against the
 * manifest).
 */
export const TOOL_COMMANDS: Record<string, string> = {
  'topics': 'topics', 'kafka-topics': 'topics', 'kafka-topics.sh': 'topics',
  'console-producer': 'console-producer', 'kafka-console-producer': 'console-producer', 'kafka-console-producer.sh': 'console-producer',
  'console-consumer': 'console-consumer', 'kafka-console-consumer': 'console-consumer', 'kafka-console-consumer.sh': 'console-consumer',
  'consumer-groups': 'consumer-groups', 'kafka-consumer-groups': 'consumer-groups', 'kafka-consumer-groups.sh': 'consumer-groups',
  'dump-log': 'dump-log', 'kafka-dump-log': 'dump-log', 'kafka-dump-log.sh': 'dump-log',
}

const TOOLS_BUNDLE = '../bundle/kafka-tools.cjs'

/**
 * The tools bundle when `args` run one of its commands and it is at least as new as that
 * command's tsc output (as serverBundle), else null. Help (any --help before a `--`) goes to
 * plain oclif, which renders it with the help plugin; so do KTOOL_NO_FAST_PATH=1 and
 * KTOOL_NO_BUNDLE=1.
 */
export function toolBundle(args: readonly string[], from: string = import.meta.url): string | null {
  const id = TOOL_COMMANDS[args[0] ?? '']
  if (!id || process.env.KTOOL_NO_BUNDLE === '1' || process.env.KTOOL_NO_FAST_PATH === '1') return null
  for (const a of args) {
    if (a === '--') break
    if (a === '--help') return null
  }
  const bundle = fileURLToPath(new URL(TOOLS_BUNDLE, from))
  try {
    if (statSync(bundle).mtimeMs >= statSync(new URL(`../commands/${id}.js`, from)).mtimeMs) return bundle
  } catch {
    // no bundle: plain oclif
  }
  return null
}

interface ToolsBundle {
  Config: {load(root: string): Promise<OclifConfig>}
  execute(options: {args: string[]; loadOptions: OclifConfig}): Promise<unknown>
  commands: Record<string, () => Promise<{default: ToolClass}>>
}

interface ToolClass {
  id?: string
  plugin?: unknown
  isESM?: boolean
  relativePath?: string[]
}

interface OclifConfig {
  rootPlugin: {findCommand(id: string, opts?: {must?: boolean}): Promise<unknown>}
}

/**
 * Runs a tool command the way `execute({args, dir: bin})` does (the same Config, hooks, error
 * handling and exit codes), with oclif and the command taken from the tools bundle: the root
 * plugin hands oclif the bundled class instead of importing dist/commands/<id>.js, which would
 * load a second @oclif/core (whose ExitError the bundled one would not know).
 */
export async function runTool(bundle: string, args: string[], bin: URL): Promise<void> {
  const {Config, execute, commands} = (await runBundle(bundle, true)) as unknown as ToolsBundle
  const config = await Config.load(fileURLToPath(bin))
  const root = config.rootPlugin
  const findCommand = root.findCommand.bind(root)
  root.findCommand = async (id, opts) => {
    const load = commands[id]
    if (!load) return findCommand(id, opts)
    // What oclif's Plugin.findCommand sets on a class it imported.
    const cmd = (await load()).default
    cmd.id = id
    cmd.plugin = root
    cmd.isESM = true
    cmd.relativePath = ['dist', 'commands', `${id}.js`]
    return cmd
  }
  await execute({args, loadOptions: config})
}
