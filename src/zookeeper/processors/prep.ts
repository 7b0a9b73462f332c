// Prep (ZooKeeper's PrepRequestProcessor): turns a write request into a transaction. Every write
// gets the next zxid, even when it fails (the failure is logged as an ErrorTxn, as ZooKeeper
// does, so zxids match a real server's). Validation runs against the tree plus the changes of
// writes already prepped but not yet applied (the outstanding change records), in the order
// ZooKeeper checks them, so the error a client sees is ZooKeeper's.
import {OpCode} from '../../protocol/zookeeper/generated/opcodes.js'
import {CREATE_MODES, Perms} from '../../protocol/zookeeper/generated/constants.js'
import type {ACL} from '../../protocol/zookeeper/generated/records.js'
import {checkAcl, fixupAcl} from '../acl.js'
import {CONTAINER_OWNER, ephemeralKind, ttlOwner} from '../data-tree.js'
import {Err, KeeperError} from '../errors.js'
import {parentOf, pathError} from '../path.js'
import type {Txn} from '../txn.js'
import type {ZkCore} from './core.js'
import type {Request} from './request.js'
import type {SubOp} from '../network/ops.js'

const MAX_TTL = 0xffffffffffn
const SPECIAL = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config'])

/** What prep needs to know about a node: a copy of its stat, child count and ACL. */
export interface ChangeRecord {
  zxid: number
  path: string
  exists: boolean
  version: number
  cversion: number
  aversion: number
  ephemeralOwner: bigint
  pzxid: number
  childCount: number
  acl: ACL[]
}

function pad10(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0')
}

export class PrepProcessor {
  private readonly outstanding: ChangeRecord[] = []
  private readonly byPath = new Map<string, ChangeRecord>()
  /** During a multi: the map entries to restore if it fails. */
  private undo: Map<string, ChangeRecord | undefined> | null = null

  constructor(private readonly core: ZkCore) {}

  outstandingCount(): number {
    return this.outstanding.length
  }

  private record(path: string): ChangeRecord | null {
    const key = path === '' ? '/' : path
    const c = this.byPath.get(key)
    if (c) return c.exists ? c : null
    const n = this.core.tree.getNode(key)
    if (!n) return null
    return {
      zxid: -1, path: key, exists: true, version: n.version, cversion: n.cversion, aversion: n.aversion,
      ephemeralOwner: n.ephemeralOwner, pzxid: n.pzxid, childCount: n.numChildren, acl: n.acl,
    }
  }

  private need(path: string): ChangeRecord {
    const r = this.record(path)
    if (!r) throw new KeeperError(Err.NONODE, path)
    return r
  }

  private add(r: ChangeRecord): void {
    if (this.undo && !this.undo.has(r.path)) this.undo.set(r.path, this.byPath.get(r.path))
    this.core.stats.outstandingChangesQueued++
    this.outstanding.push(r)
    this.byPath.set(r.path, r)
  }

  /** Called by final once the transaction with this zxid is applied. */
  applied(zxid: number): void {
    let i = 0
    while (i < this.outstanding.length && this.outstanding[i]!.zxid <= zxid) {
      const r = this.outstanding[i]!
      if (this.byPath.get(r.path) === r) this.byPath.delete(r.path)
      i++
    }
    if (i > 0) {
      this.outstanding.splice(0, i)
      this.core.stats.outstandingChangesRemoved += i
    }
  }

  private checkAcl(acl: ACL[], perm: number, req: Request, path: string): void {
    if (!checkAcl(acl, perm, req.authInfo)) throw new KeeperError(Err.NOAUTH, path)
  }

  private validatePath(path: string): void {
    if (pathError(path) !== null) throw new KeeperError(Err.BADARGUMENTS, path)
  }

  private version(current: number, expected: number, path: string): number {
    if (expected !== -1 && expected !== current) throw new KeeperError(Err.BADVERSION, path)
    return current + 1
  }

  /** Preps a write request and hands it to sync. */
  process(req: Request): void {
    const started = Date.now()
    const stats = this.core.stats
    stats.requestQueued()
    const zxid = this.core.nextZxid()
    const now = this.core.clock.now()
    req.hdr = {clientId: req.sessionId, cxid: req.xid, zxid, time: now, type: req.type}
    try {
      if (req.type === OpCode.multi) {
        req.txn = this.multi(req, zxid)
      } else {
        if (req.type !== OpCode.createSession && req.type !== OpCode.deleteContainer) this.checkSession(req)
        req.txn = this.toTxn(req.type, req.record, req, zxid)
      }
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e
      req.hdr.type = OpCode.error
      req.txn = {type: OpCode.error, err: e.code}
      if (e.code !== Err.NONODE && e.code !== Err.NODEEXISTS) {
        this.core.logger.debug(`Got user-level KeeperException when processing sessionid:0x${req.sessionId.toString(16)} type:${req.opName} cxid:0x${req.xid.toString(16)} zxid:0x${zxid.toString(16)} txntype:${req.type} reqpath:n/a Error:${e.message}`)
      }
    }
    const prepped = Date.now()
    stats.summaries.prep_process_time.add(prepped - started)
    if (req.type === OpCode.closeSession) stats.summaries.close_session_prep_time.add(prepped - started)
    this.core.sync.submit(req)
    stats.summaries.proposal_process_time.add(Date.now() - prepped)
  }

  private checkSession(req: Request): void {
    const s = this.core.sessions.get(req.sessionId)
    if (!s || s.state !== 'OPEN') {
      // closeSession of an already-closing session is allowed through (expiry + client close).
      if (req.type === OpCode.closeSession && s) return
      throw new KeeperError(Err.SESSIONEXPIRED)
    }
  }

  private multi(req: Request, zxid: number): Txn {
    const ops = req.record as SubOp[]
    this.checkSession(req)
    const txns: Txn[] = []
    let failed = false
    this.undo = new Map()
    const mark = this.outstanding.length
    try {
      for (const op of ops) {
        if (failed) {
          txns.push({type: OpCode.error, err: Err.RUNTIMEINCONSISTENCY})
          continue
        }
        try {
          txns.push(this.toTxn(op.type, op.record, req, zxid))
        } catch (e) {
          if (!(e instanceof KeeperError)) throw e
          failed = true
          txns.push({type: OpCode.error, err: e.code})
          // Roll back the change records of this multi's earlier ops.
          this.outstanding.length = mark
          for (const [path, prev] of this.undo) {
            if (prev) this.byPath.set(path, prev)
            else this.byPath.delete(path)
          }
          this.undo.clear()
        }
      }
    } finally {
      this.undo = null
    }
    return {type: OpCode.multi, txns}
  }

  private toTxn(type: number, rec: any, req: Request, zxid: number): Txn {
    switch (type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        return this.create(type, rec, req, zxid)
      case OpCode.delete:
      case OpCode.deleteContainer: {
        const path: string = rec.path
        const slash = path.lastIndexOf('/')
        if (slash === -1 || path.includes('\0') || SPECIAL.has(path)) throw new KeeperError(Err.BADARGUMENTS, path)
        const parent = this.need(parentOf(path))
        const node = this.need(path)
        if (type === OpCode.deleteContainer) {
          if (node.childCount > 0) throw new KeeperError(Err.NOTEMPTY, path)
          if (ephemeralKind(node.ephemeralOwner, this.core.config.extendedTypesEnabled) === 'normal') throw new KeeperError(Err.BADVERSION, path)
        } else {
          this.checkAcl(parent.acl, Perms.DELETE, req, path)
          this.version(node.version, rec.version, path)
          if (node.childCount > 0) throw new KeeperError(Err.NOTEMPTY, path)
        }
        this.add({...parent, zxid, childCount: parent.childCount - 1, pzxid: zxid})
        this.add({...node, zxid, exists: false})
        return {type, path}
      }
      case OpCode.setData: {
        const path: string = rec.path
        this.validatePath(path)
        const node = this.need(path)
        this.checkAcl(node.acl, Perms.WRITE, req, path)
        const version = this.version(node.version, rec.version, path)
        this.add({...node, zxid, version})
        return {type, path, data: rec.data, version}
      }
      case OpCode.setACL: {
        const path: string = rec.path
        this.validatePath(path)
        const acl = fixupAcl(rec.acl, req.authInfo)
        if (!acl) throw new KeeperError(Err.INVALIDACL, path)
        const node = this.need(path)
        this.checkAcl(node.acl, Perms.ADMIN, req, path)
        const version = this.version(node.aversion, rec.version, path)
        this.add({...node, zxid, aversion: version, acl})
        return {type, path, acl, version}
      }
      case OpCode.check: {
        const path: string = rec.path
        this.validatePath(path)
        const node = this.need(path)
        this.checkAcl(node.acl, Perms.READ, req, path)
        return {type, path, version: this.version(node.version, rec.version, path)}
      }
      case OpCode.createSession:
        return {type, timeOut: req.connect!.timeout}
      case OpCode.closeSession: {
        const es = new Set(this.core.tree.ephemeralsOf(req.sessionId))
        for (const c of this.outstanding) {
          if (!c.exists) es.delete(c.path)
          else if (c.ephemeralOwner === req.sessionId) es.add(c.path)
        }
        const paths = [...es].sort()
        for (const p of paths) {
          const node = this.record(p)
          const parent = this.record(parentOf(p))
          if (parent && node) this.add({...parent, zxid, childCount: parent.childCount - 1, pzxid: zxid})
          if (node) this.add({...node, zxid, exists: false})
        }
        this.core.sessions.setClosing(req.sessionId)
        return {type, paths2Delete: paths}
      }
      case OpCode.reconfig:
        this.core.logger.error('Reconfig operation requested but reconfig feature is disabled.')
        throw new KeeperError(Err.RECONFIGDISABLED)
      default:
        throw new KeeperError(Err.UNIMPLEMENTED)
    }
  }

  private create(type: number, rec: any, req: Request, zxid: number): Txn {
    let path: string = rec.path
    const mode = CREATE_MODES[rec.flags]
    if (!mode) throw new KeeperError(Err.BADARGUMENTS, path)
    const ttl: bigint = type === OpCode.createTTL ? rec.ttl : -1n
    if (mode.ttl && !this.core.config.extendedTypesEnabled) throw new KeeperError(Err.UNIMPLEMENTED, path)
    if (mode.ttl ? ttl <= 0n || ttl > MAX_TTL : ttl >= 0n) throw new KeeperError(Err.BADARGUMENTS, path)
    const slash = path.lastIndexOf('/')
    if (slash === -1 || path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, path)
    const parentPath = path.slice(0, slash)
    const acl = fixupAcl(rec.acl, req.authInfo)
    if (!acl) throw new KeeperError(Err.INVALIDACL, path)
    const parent = this.need(parentPath)
    this.checkAcl(parent.acl, Perms.CREATE, req, path)
    if (mode.sequential) path += pad10(parent.cversion)
    this.validatePath(path)
    if (this.record(path)) throw new KeeperError(Err.NODEEXISTS, path)
    if (ephemeralKind(parent.ephemeralOwner, this.core.config.extendedTypesEnabled) === 'normal') {
      throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS, path)
    }
    const newCversion = parent.cversion + 1
    const owner = mode.container ? CONTAINER_OWNER : mode.ttl ? ttlOwner(ttl) : mode.ephemeral ? req.sessionId : 0n
    this.add({...parent, zxid, childCount: parent.childCount + 1, cversion: newCversion, pzxid: zxid})
    this.add({zxid, path, exists: true, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, pzxid: zxid, childCount: 0, acl})
    if (type === OpCode.createContainer) return {type, path, data: rec.data, acl, parentCVersion: newCversion}
    if (type === OpCode.createTTL) return {type, path, data: rec.data, acl, parentCVersion: newCversion, ttl}
    return {type: type as 1 | 15, path, data: rec.data, acl, ephemeral: mode.ephemeral, parentCVersion: newCversion}
  }
}
