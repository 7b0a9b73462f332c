// File names under <dir>/version-2, as ZooKeeper names them: log.<zxid hex> (first zxid in the
// file) and snapshot.<zxid hex> (last zxid applied to the tree it holds).
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

export const VERSION_DIR = 'version-2'
export const TXNLOG_MAGIC = 0x5a4b4c47 // "ZKLG"
export const SNAP_MAGIC = 0x5a4b534e // "ZKSN"
export const FILE_VERSION = 2

export interface ZxidFile {
  name: string
  path: string
  zxid: number
}

/** Files named <prefix>.<hex zxid>, sorted by zxid ascending. */
export function listZxidFiles(dir: string, prefix: 'log' | 'snapshot'): ZxidFile[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const out: ZxidFile[] = []
  for (const name of names) {
    const m = new RegExp(`^${prefix}\\.([0-9a-fA-F]+)$`).exec(name)
    if (m) out.push({name, path: join(dir, name), zxid: parseInt(m[1]!, 16)})
  }
  return out.sort((a, b) => a.zxid - b.zxid)
}

export function zxidHex(zxid: number): string {
  return zxid.toString(16)
}
