// <log.dir>/meta.properties, as a ZooKeeper-mode Kafka broker writes it (version 0):
//
//   #
//   #<date>
//   cluster.id=<22-char base64url id>
//   version=0
//   broker.id=0
//
// The broker refuses a log dir that belongs to another broker id or cluster (Kafka's
// InconsistentBrokerIdException / InconsistentClusterIdException).
import * as fs from 'node:fs'
import {syncFd} from './durability.js'
import * as path from 'node:path'
import {parseProperties} from '../../common/properties.js'

export const META_PROPERTIES = 'meta.properties'

export interface MetaProperties {
  version: number
  brokerId: number | null
  clusterId: string | null
  /** Any other keys (node.id, directory.id in KRaft-written files), kept as found. */
  extra: Map<string, string>
}

export function readMetaProperties(dir: string): MetaProperties | null {
  let text: string
  try {
    text = fs.readFileSync(path.join(dir, META_PROPERTIES), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const props = parseProperties(text, path.join(dir, META_PROPERTIES))
  const extra = new Map(props)
  const take = (k: string): string | undefined => {
    const v = extra.get(k)
    extra.delete(k)
    return v
  }
  const version = Number(take('version') ?? '0')
  const brokerId = take('broker.id') ?? props.get('node.id')
  const clusterId = take('cluster.id') ?? null
  return {version, brokerId: brokerId === undefined ? null : Number(brokerId), clusterId, extra}
}

export function writeMetaProperties(dir: string, meta: {brokerId: number; clusterId: string | null}, now = new Date()): void {
  const lines = ['#', `#${now.toString()}`]
  if (meta.clusterId) lines.push(`cluster.id=${meta.clusterId}`)
  lines.push('version=0', `broker.id=${meta.brokerId}`)
  const file = path.join(dir, META_PROPERTIES)
  const tmp = file + '.tmp'
  fs.writeFileSync(tmp, lines.join('\n') + '\n')
  const fd = fs.openSync(tmp, 'r')
  try { syncFd(fd) } finally { fs.closeSync(fd) }
  fs.renameSync(tmp, file)
}
