// A ZooKeeper connect string: `host:port[,host:port...][/chroot]`, as Java's ConnectStringParser
// reads it. A host without a port gets 2181; IPv6 literals go in brackets (`[::1]:2181`). The
// chroot is applied to every path sent and stripped from every path received.

export interface HostPort {
  host: string
  port: number
}

export interface ConnectString {
  hosts: HostPort[]
  /** '' when there is none; otherwise starts with '/' and has no trailing '/'. */
  chroot: string
}

export const DEFAULT_PORT = 2181

export function parseConnectString(s: string): ConnectString {
  const slash = s.indexOf('/')
  let chroot = slash >= 0 ? s.slice(slash) : ''
  const list = slash >= 0 ? s.slice(0, slash) : s
  if (chroot === '/') chroot = ''
  if (chroot) {
    if (chroot.endsWith('/') || chroot.includes('//')) throw new Error(`Invalid chroot path ${JSON.stringify(chroot)} in connect string ${JSON.stringify(s)}`)
  }
  const hosts: HostPort[] = []
  for (const raw of list.split(',')) {
    const part = raw.trim()
    if (!part) continue
    let host = part
    let port = DEFAULT_PORT
    if (part.startsWith('[')) {
      const end = part.indexOf(']')
      if (end < 0) throw new Error(`Invalid host ${JSON.stringify(part)} in connect string ${JSON.stringify(s)}`)
      host = part.slice(1, end)
      if (part.length > end + 1) port = parsePort(part.slice(end + 2), s)
    } else {
      const colon = part.lastIndexOf(':')
      if (colon >= 0) {
        host = part.slice(0, colon)
        port = parsePort(part.slice(colon + 1), s)
      }
    }
    hosts.push({host, port})
  }
  if (hosts.length === 0) throw new Error(`A host:port pair is required in connect string ${JSON.stringify(s)}`)
  return {hosts, chroot}
}

function parsePort(p: string, s: string): number {
  const n = Number(p)
  if (!/^\d+$/.test(p) || n < 0 || n > 65535) throw new Error(`Invalid port ${JSON.stringify(p)} in connect string ${JSON.stringify(s)}`)
  return n
}

/** The server-side path of a client path. */
export function prependChroot(chroot: string, path: string): string {
  if (!chroot) return path
  return path === '/' ? chroot : chroot + path
}

/** The client-side path of a server path (notifications, created paths). */
export function stripChroot(chroot: string, path: string): string {
  if (!chroot) return path
  if (path === chroot) return '/'
  return path.startsWith(chroot + '/') ? path.slice(chroot.length) : path
}
