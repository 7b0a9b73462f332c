#!/usr/bin/env node
// oclif entry. Kafka's scripts accept single-dash long options (-topic t); normalise them first.
import {normaliseArgv} from '../dist/cli/argv.js'
import {fastPath} from '../dist/cli/fast-path.js'

const args = normaliseArgv(process.argv.slice(2))
const cached = fastPath(args, new URL('../dist/help-cache.json', import.meta.url), new URL('../package.json', import.meta.url))
if (cached !== null) {
  process.stdout.write(cached)
} else {
  const {execute} = await import('@oclif/core')
  await execute({args, dir: import.meta.url})
}
