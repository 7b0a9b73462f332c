// The tree digest of ZooKeeper 3.6+ (zookeeper.digest.enabled, on by default in 3.8), which the
// `hash` four-letter word and the AdminServer's `hash` command report:
// - a node's digest is the CRC-32 of its path ("" for the root), its data, then 60 bytes of its
//   persisted stat: czxid, mzxid, pzxid, ctime, mtime (int64), version, cversion, aversion
//   (int32), ephemeralOwner (int64), big-endian. cversion is the stored one (creates), not the
//   one clients see. Nodes under /zookeeper/ count 0 (/zookeeper itself counts);
// - the tree's digest is the sum of its nodes' digests as a Java long (wrapping at 2^64), kept
//   up to date as nodes change (remove the old digest, add the new one);
// - after each transaction whose zxid is a multiple of 128, (zxid, digest) joins a log of the
//   last 1024 such entries.

// CRC-32 (IEEE, java.util.zip.CRC32) in JS: loading node:zlib for it would add 5-10 ms to
// start-up, and the inputs are a path, a znode's data and 60 bytes.
const TABLE = new Int32Array(256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  TABLE[n] = c
}

/** CRC-32 of bytes (or a string's UTF-8 bytes), continuing from crc. */
export function crc32(data: Uint8Array | string, crc = 0): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  let c = ~crc
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

export const DIGEST_VERSION = 2
export const DIGEST_LOG_INTERVAL = 128
export const DIGEST_LOG_LIMIT = 1024

export interface DigestFields {
  data: Buffer | null
  czxid: number
  mzxid: number
  pzxid: number
  ctime: number
  mtime: number
  version: number
  cversion: number
  aversion: number
  ephemeralOwner: bigint
}

export interface ZxidDigest {
  zxid: number
  digest: bigint
}

const stat = Buffer.alloc(60)
const TWO_32 = 4294967296

function putLong(n: number, at: number): void {
  const hi = Math.floor(n / TWO_32)
  stat.writeInt32BE(hi | 0, at)
  stat.writeUInt32BE(n - hi * TWO_32, at + 4)
}

/** DigestCalculator.calculateDigest: 0 for nodes under /zookeeper/. */
export function nodeDigest(path: string, n: DigestFields): number {
  if (path.startsWith('/zookeeper/')) return 0
  putLong(n.czxid, 0)
  putLong(n.mzxid, 8)
  putLong(n.pzxid, 16)
  putLong(n.ctime, 24)
  putLong(n.mtime, 32)
  stat.writeInt32BE(n.version, 40)
  stat.writeInt32BE(n.cversion, 44)
  stat.writeInt32BE(n.aversion, 48)
  stat.writeBigInt64BE(n.ephemeralOwner, 52)
  let crc = path === '/' ? 0 : crc32(path)
  if (n.data && n.data.length > 0) crc = crc32(n.data, crc)
  return crc32(stat, crc)
}

/** The `hash` word's lines: "<zxid in hex>: <digest as a signed long>". */
export function formatDigestLog(log: readonly ZxidDigest[]): string {
  let out = ''
  for (const d of log) out += `${d.zxid.toString(16)}: ${BigInt.asIntN(64, d.digest)}\n`
  return out
}
