// Answers `ktool --version`, `ktool --help` and `ktool <command> --help` on a pipe without loading
// @oclif/core (about 150 ms), from the texts oclif itself rendered at build time
// (scripts/gen-help-cache.mjs). Returns null when oclif must handle the invocation.
import {readFileSync, statSync} from 'node:fs'

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

const ENTRIES = {
  broker: {plain: '../broker/run-server.js', bundled: '../bundle/run-server.js'},
  zookeeper: {plain: '../zookeeper/run.js', bundled: '../bundle/zookeeper-run.js'},
} as const

/**
 * The module a server launch imports: the build's bundle of the servers' start-up path
 * (dist/bundle/, made by scripts/bundle-servers.mjs: a few files to load instead of ~70 modules)
 * when it is at least as new as the tsc output it was made from, else the plain dist/ module.
 * tsc rewrites every output file, so a `tsc` run after the last bundle (the edit-compile loop)
 * makes the plain files win: a stale bundle never runs. KTOOL_NO_BUNDLE=1 always takes the plain
 * files. `from` is this module's own URL (a parameter so that tests can point it elsewhere).
 */
export function serverEntry(kind: 'broker' | 'zookeeper', from: string = import.meta.url): string {
  const plain = new URL(ENTRIES[kind].plain, from)
  if (process.env.KTOOL_NO_BUNDLE === '1') return plain.href
  const bundled = new URL(ENTRIES[kind].bundled, from)
  try {
    if (statSync(bundled).mtimeMs >= statSync(plain).mtimeMs) return bundled.href
  } catch {
    // no bundle (a build without it, or tsc alone): the plain files
  }
  return plain.href
}
