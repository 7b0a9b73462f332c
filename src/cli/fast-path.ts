// Answers `ktool --version`, `ktool --help` and `ktool <command> --help` on a pipe without loading
// @oclif/core (about 150 ms), from the texts oclif itself rendered at build time
// (scripts/gen-help-cache.mjs). Returns null when oclif must handle the invocation.
import {readFileSync} from 'node:fs'

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
