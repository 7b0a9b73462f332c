// ACLs: the world, auth, digest and ip schemes (ZooKeeper's built-in providers, minus x509/sasl).
// A connection's identities start with ip:<remote address>; addAuth("digest", "user:pw") adds
// digest:user:<base64 sha1>. A permission is granted when any ACL entry carrying one of the asked
// bits matches one of the identities (PrepRequestProcessor.checkACL).
import {createHash} from 'node:crypto'
import {Perms} from '../protocol/zookeeper/generated/constants.js'
import type {ACL, Id} from '../protocol/zookeeper/generated/records.js'

export const OPEN_ACL_UNSAFE: ACL[] = [{perms: Perms.ALL, id: {scheme: 'world', id: 'anyone'}}]
export const READ_ACL_UNSAFE: ACL[] = [{perms: Perms.READ, id: {scheme: 'world', id: 'anyone'}}]

export function digest(userPassword: string): string {
  const colon = userPassword.indexOf(':')
  const user = colon < 0 ? userPassword : userPassword.slice(0, colon)
  return `${user}:${createHash('sha1').update(userPassword).digest('base64')}`
}

function ipv4ToInt(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return null
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

export function normaliseIp(addr: string | undefined): string {
  if (!addr) return ''
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr
}

/** IPAuthenticationProvider.matches: exact address or addr/bits prefix (IPv4; IPv6 exact). */
function ipMatches(ip: string, expr: string): boolean {
  const slash = expr.indexOf('/')
  const base = slash < 0 ? expr : expr.slice(0, slash)
  const a = ipv4ToInt(ip)
  const b = ipv4ToInt(base)
  if (a === null || b === null) return ip === base
  const bits = slash < 0 ? 32 : Number(expr.slice(slash + 1))
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false
  if (bits === 0) return true
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0
  return ((a & mask) >>> 0) === ((b & mask) >>> 0)
}

function ipValid(expr: string): boolean {
  const slash = expr.indexOf('/')
  const base = slash < 0 ? expr : expr.slice(0, slash)
  if (ipv4ToInt(base) === null && !/^[0-9a-fA-F:]+$/.test(base)) return false
  if (slash >= 0) {
    const bits = Number(expr.slice(slash + 1))
    return Number.isInteger(bits) && bits >= 0 && bits <= 32
  }
  return true
}

/** Known schemes for setAuth / ACL validation. */
export function schemeKnown(scheme: string): boolean {
  return scheme === 'digest' || scheme === 'ip' || scheme === 'world' || scheme === 'auth' || scheme === 'super'
}

export function checkAcl(acl: readonly ACL[] | null, perm: number, ids: readonly Id[]): boolean {
  if (!acl || acl.length === 0) return true
  for (const id of ids) if (id.scheme === 'super') return true
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue
    const {scheme, id} = a.id
    if (scheme === 'world' && id === 'anyone') return true
    for (const mine of ids) {
      if (mine.scheme !== scheme) continue
      if (scheme === 'ip' ? ipMatches(mine.id, id) : mine.id === id) return true
    }
  }
  return false
}

/**
 * PrepRequestProcessor.fixupACL: rejects empty or invalid lists, replaces auth:* with the
 * session's authenticated (non-ip) identities and drops duplicates. Returns null for INVALIDACL.
 */
export function fixupAcl(acl: readonly ACL[], ids: readonly Id[]): ACL[] | null {
  if (acl.length === 0) return null
  const out: ACL[] = []
  const seen = new Set<string>()
  const push = (a: ACL) => {
    const key = `${a.perms}|${a.id.scheme}|${a.id.id}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(a)
    }
  }
  for (const a of acl) {
    const {scheme, id} = a.id
    if (scheme === 'world' && id === 'anyone') push(a)
    else if (scheme === 'auth') {
      let valid = false
      for (const mine of ids) {
        if (mine.scheme === 'ip' || mine.scheme === 'super') continue // not "authenticated" providers
        valid = true
        push({perms: a.perms, id: {scheme: mine.scheme, id: mine.id}})
      }
      if (!valid) return null
    } else if (scheme === 'digest') {
      if (id.split(':').length !== 2) return null
      push(a)
    } else if (scheme === 'ip') {
      if (!ipValid(id)) return null
      push(a)
    } else if (scheme === 'super') {
      push(a)
    } else return null
  }
  return out
}

export function aclKey(acl: readonly ACL[] | null): string {
  if (!acl) return ''
  return acl.map((a) => `${a.perms},${a.id.scheme},${a.id.id}`).join(';')
}
