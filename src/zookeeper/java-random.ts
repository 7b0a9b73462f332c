// java.util.Random, enough to reproduce ZooKeeper's session passwords: the server derives a
// session's password from new Random(sessionId ^ superSecret), so that it never stores them and
// can check a reconnecting client's password after a restart.
const MULT = 0x5deece66dn
const MASK = (1n << 48n) - 1n
export const SUPER_SECRET = 0xb3415c00n

export function javaRandomBytes(seed: bigint, length: number): Buffer {
  let s = (BigInt.asUintN(64, seed) ^ MULT) & MASK
  const out = Buffer.alloc(length)
  let i = 0
  while (i < length) {
    s = (s * MULT + 0xbn) & MASK
    let rnd = Number(BigInt.asIntN(32, s >> 16n))
    for (let n = Math.min(length - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff
  }
  return out
}

export function sessionPassword(sessionId: bigint): Buffer {
  return javaRandomBytes(sessionId ^ SUPER_SECRET, 16)
}
