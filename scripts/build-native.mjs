#!/usr/bin/env node
// Builds native/ (the hardware CRC-32C addon) with node-gyp at `npm ci` / `npm install`.
// Optional by design: without a compiler, Node's headers or an x86-64 CPU the build fails and
// ktool falls back to @node-rs/crc32 (prebuilt), so the install goes on with one warning line.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const native = join(root, 'native')
if (process.env.KTOOL_SKIP_NATIVE === '1') process.exit(0)

// npm points npm_config_node_gyp at the node-gyp it bundles; outside npm try the one next to npm.
const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')]
const gyp = candidates.find((p) => p && existsSync(p))
// Node's own headers: npm passes its nodedir setting through the environment; run by hand, use
// the headers installed beside this Node (as distribution packages do) instead of downloading.
const prefix = join(dirname(process.execPath), '..')
const nodedir = !process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h')) ? [`--nodedir=${prefix}`] : []
const started = Date.now()
const r = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild', '--directory', native, '--loglevel', 'warn', ...nodedir], {encoding: 'utf8'})
  : {status: 1, stderr: 'node-gyp not found', stdout: ''}
if (r.status === 0) {
  process.stderr.write(`ktool: built native/build/Release/ktool_crc32c.node (hardware CRC-32C) in ${Date.now() - started} ms\n`)
} else {
  const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n')
  const why = (lines.find((l) => /error/i.test(l) && !/gyp ERR! (configure|build) error|not ok/.test(l)) ?? '').replace(/^gyp ERR! (stack )?/, '').trim()
  process.stderr.write(`ktool: warning: the native CRC-32C addon was not built (${why || `exit ${r.status}`}); using @node-rs/crc32\n`)
}
