#!/usr/bin/env node
// oclif entry. Kafka's scripts accept single-dash long options (-topic t); normalise them first.
// Help, --version and the servers' plain start-up skip loading oclif (src/cli/fast-path.ts); the
// servers start from the build's bundle with its code cache when it is current (loadServer),
// else from dist/; so do oclif and the Kafka tool commands (toolBundle, runTool).
import {normaliseArgv} from '../dist/cli/argv.js'
import {fastPath, loadServer, runTool, serverLaunch, toolBundle} from '../dist/cli/fast-path.js'

const args = normaliseArgv(process.argv.slice(2))
const cached = fastPath(args, new URL('../dist/help-cache.json', import.meta.url), new URL('../package.json', import.meta.url))
const launch = cached === null ? serverLaunch(args) : null
const tools = cached === null && launch === null ? toolBundle(args) : null
if (cached !== null) {
  process.stdout.write(cached)
} else if (launch?.kind === 'broker') {
  const {runServerStart} = await loadServer('broker')
  process.exit(await runServerStart({propertiesFile: launch.positional[0], overrides: launch.overrides}))
} else if (launch?.kind === 'zookeeper') {
  const {runZooKeeperStart} = await loadServer('zookeeper')
  process.exit(await runZooKeeperStart({args: launch.positional, overrides: launch.overrides}))
} else if (tools !== null) {
  await runTool(tools, args, new URL(import.meta.url))
} else {
  const {execute} = await import('@oclif/core')
  await execute({args, dir: import.meta.url})
}
