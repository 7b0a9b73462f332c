#!/usr/bin/env node
// console-producer benchmark (on demand: `node bench/console-producer.mjs`; needs npm run build).
// Starts `ktool server-start` as its own process, writes N lines to a file, and in the same run
// times `ktool console-producer < file` and `kcat -P -l file` (librdkafka defaults), alternating,
// each into its own fresh topic. Every run is checked by the topic's end offset. Prints the best
// and median of each and the ratio ktool/kcat (goal >= 0.5x).
// Options: --records N (default 1,000,000), --rounds R (default 3).
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin/run.js')
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt)
const N = arg('--records', 1_000_000)
const ROUNDS = arg('--rounds', 3)
const env = {...process.env, NODE_ENV: 'production'}
const dir = mkdtempSync(join(tmpdir(), 'ktool-bench-'))

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port
    s.close(() => resolve(p))
  })
})

const port = await freePort()
const bootstrap = `127.0.0.1:${port}`
const broker = spawn(process.execPath, [BIN, 'server-start', '--override', `listeners=PLAINTEXT://${bootstrap}`, '--override', `log.dirs=${join(dir, 'logs')}`,
  '--override', 'broker.id=0', '--override', 'ktool.zookeeper.port=0', '--override', 'offsets.topic.replication.factor=1'], {env, stdio: ['ignore', 'ignore', 'inherit']})

function endOffset(topic) {
  const r = spawnSync('kcat', ['-b', bootstrap, '-Q', '-t', `${topic}:0:-1`], {encoding: 'utf8'})
  const m = /offset (\d+)/.exec(r.stdout)
  return m ? Number(m[1]) : -1
}

function timed(cmd, args, input) {
  const t = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {env, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

try {
  for (let i = 0; ; i++) {
    const r = spawnSync(process.execPath, [BIN, 'topics', '--bootstrap-server', bootstrap, '--list'], {env, encoding: 'utf8'})
    if (r.status === 0) break
    if (i > 100) throw new Error('broker did not start')
    await new Promise((res) => setTimeout(res, 100))
  }
  const file = join(dir, 'lines.txt')
  const lines = Array.from({length: N}, (_, i) => `${String(i).padStart(8, '0')} the quick brown fox jumps over the lazy dog`)
  writeFileSync(file, lines.join('\n') + '\n')
  const bytes = N * (lines[0].length + 1)
  console.log(`${N.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(1)} MB, ${ROUNDS} rounds each, broker: ktool server-start`)
  const times = {ktool: [], kcat: []}
  for (let round = 0; round < ROUNDS; round++) {
    for (const who of ['kcat', 'ktool']) {
      const topic = `bench-${who}-${round}`
      spawnSync(process.execPath, [BIN, 'topics', '--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '1'], {env})
      const ms = who === 'kcat'
        ? timed('kcat', ['-b', bootstrap, '-P', '-t', topic, '-l', file])
        : timed('sh', ['-c', `"${process.execPath}" "${BIN}" console-producer --bootstrap-server ${bootstrap} --topic ${topic} < "${file}"`])
      const end = endOffset(topic)
      if (end !== N) throw new Error(`${who}: topic ${topic} holds ${end} records, expected ${N}`)
      times[who].push(ms)
      console.log(`  round ${round + 1} ${who.padEnd(5)} ${(ms / 1000).toFixed(2)} s  ${Math.round(N / (ms / 1000)).toLocaleString('en-US')} rec/s`)
    }
  }
  const best = (a) => Math.min(...a)
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  for (const who of ['kcat', 'ktool']) {
    console.log(`${who.padEnd(5)} best ${Math.round(N / (best(times[who]) / 1000)).toLocaleString('en-US').padStart(10)} rec/s  median ${Math.round(N / (median(times[who]) / 1000)).toLocaleString('en-US').padStart(10)} rec/s`)
  }
  console.log(`ratio ktool/kcat (throughput): best ${(best(times.kcat) / best(times.ktool)).toFixed(2)}x, median ${(median(times.kcat) / median(times.ktool)).toFixed(2)}x (goal >= 0.5x)`)
} finally {
  broker.kill('SIGTERM')
  await new Promise((r) => broker.on('close', r))
  rmSync(dir, {recursive: true, force: true})
}
