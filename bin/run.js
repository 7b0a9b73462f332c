#!/usr/bin/env node
// oclif entry. Kafka's scripts accept single-dash long options (-topic t); normalise them first.
import {execute} from '@oclif/core'
import {normaliseArgv} from '../dist/cli/argv.js'

await execute({args: normaliseArgv(process.argv.slice(2)), dir: import.meta.url})
