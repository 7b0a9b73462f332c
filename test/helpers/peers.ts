// Interop tests need real peers (kcat, Apache ZooKeeper, the Python clients). A missing peer
// skips its tests on a developer's machine, and fails them when KTOOL_REQUIRE_PEERS=1 (CI).
import {execFileSync} from 'node:child_process'

export const PYTHON = '/usr/bin/python3'
export const ZOOKEEPER_HOME = '/usr/share/zookeeper'

function has(check: () => void): boolean {
  try {
    check()
    return true
  } catch {
    return false
  }
}

const probes: Record<string, () => void> = {
  kcat: () => execFileSync('kcat', ['-V'], {stdio: 'ignore'}),
  zookeeper: () => execFileSync('test', ['-f', `${ZOOKEEPER_HOME}/bin/zkServer.sh`]),
  zkCli: () => execFileSync('test', ['-f', `${ZOOKEEPER_HOME}/bin/zkCli.sh`]),
  java: () => execFileSync('java', ['-version'], {stdio: 'ignore'}),
  zktop: () => execFileSync('test', ['-x', '/usr/bin/zktop']),
  tmux: () => execFileSync('tmux', ['-V'], {stdio: 'ignore'}),
  'python3-kafka': () => execFileSync(PYTHON, ['-c', 'import kafka'], {stdio: 'ignore'}),
  'python3-confluent-kafka': () => execFileSync(PYTHON, ['-c', 'import confluent_kafka'], {stdio: 'ignore'}),
  'python3-kazoo': () => execFileSync(PYTHON, ['-c', 'import kazoo'], {stdio: 'ignore'}),
  // kafka-python's snappy and lz4 codecs (xxhash: the checksum of magic 0's lz4 framing)
  'python3-codecs': () => execFileSync(PYTHON, ['-c', 'import snappy, lz4.frame, xxhash'], {stdio: 'ignore'}),
  nc: () => execFileSync('sh', ['-c', 'command -v nc'], {stdio: 'ignore'}),
}

const cache = new Map<string, boolean>()

export function peerAvailable(name: keyof typeof probes): boolean {
  if (!cache.has(name)) cache.set(name, has(probes[name]!))
  return cache.get(name)!
}

/**
 * Returns true when every named peer is present. When one is missing: throws under
 * KTOOL_REQUIRE_PEERS=1, otherwise returns false so that the caller can use describe.skipIf.
 */
export function requirePeers(...names: (keyof typeof probes)[]): boolean {
  const missing = names.filter((n) => !peerAvailable(n))
  if (missing.length === 0) return true
  if (process.env.KTOOL_REQUIRE_PEERS === '1') {
    throw new Error(`interop peer(s) missing: ${missing.join(', ')} (run scripts/install-peers.sh)`)
  }
  return false
}

/** True when /usr/bin/python3 can import the module (an optional codec of a Python client). */
export function pythonHas(module: string): boolean {
  return has(() => execFileSync(PYTHON, ['-c', `import ${module}`], {stdio: 'ignore'}))
}
