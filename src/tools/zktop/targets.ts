// Which servers to watch: --servers host[:port],... or a ZooKeeper config file's server.N lines
// and clientPort (zktop.py's --config). Port 2181 when none is given.
import {readPropertiesFile} from '../../common/properties.js'
import type {ServerTarget} from './types.js'

export const DEFAULT_PORT = 2181

export class TargetError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TargetError'
  }
}

function parsePort(text: string, what: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new TargetError(`invalid port in ${JSON.stringify(what)}`)
  return port
}

/** `host`, `host:port`, `[v6]:port`, or a bare IPv6 address. */
export function parseServer(text: string, defaultPort = DEFAULT_PORT): {host: string; port: number} {
  const s = text.trim()
  if (s === '') throw new TargetError('empty server address')
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s)
  if (v6) return {host: v6[1]!, port: v6[2] === undefined ? defaultPort : parsePort(v6[2], s)}
  const colons = s.split(':').length - 1
  if (colons === 0) return {host: s, port: defaultPort}
  if (colons > 1) return {host: s, port: defaultPort} // bare IPv6
  const [host, port] = s.split(':') as [string, string]
  if (host === '') throw new TargetError(`no host in ${JSON.stringify(s)}`)
  return {host, port: parsePort(port, s)}
}

/** Splits an --admin-url list: one URL for every server, or one per server in --servers order. */
function adminUrls(adminUrl: string | undefined, count: number): (string | undefined)[] {
  if (!adminUrl) return new Array(count).fill(undefined)
  const urls = adminUrl.split(',').map((u) => u.trim()).filter(Boolean)
  if (urls.length !== 1 && urls.length !== count) {
    throw new TargetError(`--admin-url has ${urls.length} URLs for ${count} servers (give one, or one per server)`)
  }
  return Array.from({length: count}, (_, i) => urls[urls.length === 1 ? 0 : i])
}

export function targetsFromServers(servers: string, adminUrl?: string): ServerTarget[] {
  const list = servers.split(',').map((s) => s.trim()).filter(Boolean)
  if (list.length === 0) throw new TargetError('--servers names no server')
  const urls = adminUrls(adminUrl, list.length)
  return list.map((s, id) => ({id, ...parseServer(s), adminUrl: urls[id]}))
}

/**
 * server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort] lines give the hosts; the
 * client port is the line's own (3.5 dynamic form) or clientPort. Without server.N lines zktop.py
 * finds nothing to watch; ktool watches clientPortAddress (or localhost) on clientPort instead.
 */
export function targetsFromConfig(file: string, adminUrl?: string): ServerTarget[] {
  const props = readPropertiesFile(file)
  const clientPort = props.get('clientPort')?.trim()
  const basePort = clientPort ? parsePort(clientPort, `clientPort=${clientPort}`) : DEFAULT_PORT
  const entries = [...props.entries()]
    .filter(([k]) => /^server\.\d+$/.test(k.trim()))
    .sort(([a], [b]) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
  const found: {host: string; port: number}[] = []
  for (const [key, value] of entries) {
    const [quorum, client] = value.split(';') as [string, string | undefined]
    const v6 = /^\[([^\]]+)\]/.exec(quorum.trim())
    const host = v6 ? v6[1]! : quorum.trim().split(':')[0]!
    if (!host) throw new TargetError(`${file}: ${key} names no host`)
    let port = basePort
    if (client?.trim()) {
      const c = client.trim()
      port = parsePort(c.includes(':') ? c.slice(c.lastIndexOf(':') + 1) : c, `${key}=${value}`)
    }
    found.push({host, port})
  }
  if (found.length === 0) {
    if (!clientPort) throw new TargetError(`${file}: no server.N lines and no clientPort`)
    const address = props.get('clientPortAddress')?.trim()
    found.push({host: address && address !== '0.0.0.0' ? address : 'localhost', port: basePort})
  }
  const urls = adminUrls(adminUrl, found.length)
  return found.map((s, id) => ({id, ...s, adminUrl: urls[id]}))
}
