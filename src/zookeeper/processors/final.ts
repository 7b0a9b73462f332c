// Final (ZooKeeper's FinalRequestProcessor): applies a logged transaction to the tree (which
// fires watches, so events go out before the reply that reflects the change), and answers reads
// straight from the tree. Every reply carries the tree's last applied zxid.
import {OpCode, Xid} from '../../protocol/zookeeper/generated/opcodes.js'
import {EventType, Perms, WatcherType, AddWatchMode} from '../../protocol/zookeeper/generated/constants.js'
import {encodeACL, type ACL, type Id} from '../../protocol/zookeeper/generated/records.js'
import type {JuteWriter} from '../../protocol/zookeeper/jute.js'
import {checkAcl} from '../acl.js'
import type {TxnResult} from '../data-tree.js'
import {Err, KeeperError} from '../errors.js'
import {replyFrame} from '../network/frames.js'
import type {SubOp} from '../network/ops.js'
import {PERSISTENT, RECURSIVE, STANDARD, type Watcher} from '../watch-manager.js'
import type {ZkCore} from './core.js'
import type {Request} from './request.js'

/** The connection side a read needs: its identity for ACLs and itself as a watcher. */
export interface ReadContext extends Watcher {
  authInfo: Id[]
}

function writeAclVec(w: JuteWriter, acl: readonly ACL[]): void {
  w.int(acl.length)
  for (const a of acl) encodeACL(w, a)
}

export class FinalProcessor {
  constructor(private readonly core: ZkCore) {}

  private get zxid(): number {
    return this.core.tree.lastProcessedZxid
  }

  applyWrite(req: Request): void {
    const tree = this.core.tree
    const res = tree.processTxn(req.hdr!, req.txn!)
    this.core.prep.applied(req.hdr!.zxid)
    this.core.stats.summaries.propagation_latency.add(Date.now() - req.receivedAt)
    switch (req.type) {
      case OpCode.createSession:
        if (res.err === 0) this.core.sessions.add(req.sessionId, req.connect!.timeout)
        break
      case OpCode.closeSession:
        this.core.sessions.remove(req.sessionId)
        break
    }
    this.reply(req, res)
    // After the reply: the closing client gets its answer before its connection goes.
    if (req.type === OpCode.closeSession) this.core.sessionClosed(req.sessionId)
  }

  private reply(req: Request, res: TxnResult): void {
    const zxid = req.hdr!.zxid
    if (!req.owner) {
      req.done = true
      return
    }
    req.err = res.err
    if (req.type === OpCode.createSession) {
      req.reply = null // the connection writes the ConnectResponse itself
    } else if (req.type === OpCode.multi && req.hdr!.type === OpCode.multi) {
      req.reply = replyFrame(req.xid, zxid, 0, (w) => this.writeMultiResults(w, res.multi ?? []))
    } else if (res.err !== 0) {
      req.reply = replyFrame(req.xid, zxid, res.err)
    } else {
      req.reply = replyFrame(req.xid, zxid, 0, (w) => this.writeResult(w, req.type, res))
    }
    req.done = true
    req.owner.complete(req)
  }

  private writeResult(w: JuteWriter, type: number, res: TxnResult): void {
    switch (type) {
      case OpCode.create:
        w.ustring(res.path!)
        return
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        w.ustring(res.path!)
        res.node!.writeStat(w)
        return
      case OpCode.setData:
      case OpCode.setACL:
      case OpCode.check:
        if (res.node) res.node.writeStat(w)
        return
      default:
        return // delete, closeSession: header only
    }
  }

  private writeMultiResults(w: JuteWriter, results: TxnResult[]): void {
    for (const r of results) {
      if (r.type === OpCode.error) {
        w.int(-1).bool(false).int(r.err).int(r.err)
        continue
      }
      w.int(r.type).bool(false).int(0)
      // In a multi, check (like delete) has no body.
      if (r.type !== OpCode.check) this.writeResult(w, r.type, r)
    }
    w.int(-1).bool(true).int(-1)
  }

  // ---- reads ----

  /** Answers a read request; returns the reply frame (null: none). */
  read(req: Request, ctx: ReadContext): Buffer | null {
    const tree = this.core.tree
    const rec = req.record
    try {
      switch (req.type) {
        case OpCode.ping:
          return replyFrame(Xid.PING_XID, this.zxid, 0)
        case OpCode.exists: {
          const node = tree.getNode(rec.path)
          if (rec.watch) tree.dataWatches.add(rec.path, ctx, STANDARD)
          if (!node) throw new KeeperError(Err.NONODE, rec.path)
          this.core.stats.namespaceRead(rec.path, 0)
          return replyFrame(req.xid, this.zxid, 0, (w) => node.writeStat(w))
        }
        case OpCode.getData: {
          const node = this.readable(rec.path, ctx)
          if (rec.watch) tree.dataWatches.add(rec.path, ctx, STANDARD)
          this.core.stats.namespaceRead(rec.path, node.data?.length ?? 0)
          return replyFrame(req.xid, this.zxid, 0, (w) => {
            w.buffer(node.data)
            node.writeStat(w)
          }, 80 + (node.data?.length ?? 0))
        }
        case OpCode.getChildren:
        case OpCode.getChildren2: {
          const node = this.readable(rec.path, ctx)
          if (rec.watch) tree.childWatches.add(rec.path, ctx, STANDARD)
          let bytes = 0
          const reply = replyFrame(req.xid, this.zxid, 0, (w) => {
            const kids = node.children
            w.int(kids ? kids.size : 0)
            if (kids) {
              for (const c of kids) {
                w.ustring(c)
                bytes += c.length
              }
            }
            if (req.type === OpCode.getChildren2) node.writeStat(w)
          })
          this.core.stats.namespaceRead(rec.path, bytes)
          return reply
        }
        case OpCode.getAllChildrenNumber: {
          this.readable(rec.path, ctx)
          const n = tree.allChildrenNumber(rec.path)
          return replyFrame(req.xid, this.zxid, 0, (w) => w.int(n))
        }
        case OpCode.getACL: {
          const node = tree.getNode(rec.path)
          if (!node) throw new KeeperError(Err.NONODE, rec.path)
          if (!checkAcl(node.acl, Perms.READ | Perms.ADMIN, ctx.authInfo)) throw new KeeperError(Err.NOAUTH, rec.path)
          // Without ADMIN, digest ids come back with the hash hidden ("user:x").
          const acl = checkAcl(node.acl, Perms.ADMIN, ctx.authInfo)
            ? node.acl
            : node.acl.map((a) => (a.id.scheme === 'digest' ? {perms: a.perms, id: {scheme: 'digest', id: a.id.id.replace(/:.*/, ':x')}} : a))
          return replyFrame(req.xid, this.zxid, 0, (w) => {
            writeAclVec(w, acl)
            node.writeStat(w)
          })
        }
        case OpCode.sync:
          return replyFrame(req.xid, this.zxid, 0, (w) => w.ustring(rec.path))
        case OpCode.getEphemerals: {
          const prefix: string = rec.prefixPath ?? ''
          let list = tree.ephemeralsOf(req.sessionId)
          if (prefix.trim() !== '' && prefix.trim() !== '/') list = list.filter((p) => p.startsWith(prefix))
          return replyFrame(req.xid, this.zxid, 0, (w) => w.vector(list, (w, p) => w.ustring(p)))
        }
        case OpCode.whoAmI:
          return replyFrame(req.xid, this.zxid, 0, (w) =>
            w.vector(ctx.authInfo, (w, id) => {
              w.ustring(id.scheme)
              w.ustring(id.scheme === 'digest' ? id.id.split(':')[0]! : id.id)
            }),
          )
        case OpCode.addWatch: {
          const mode = rec.mode === AddWatchMode.PERSISTENT_RECURSIVE ? RECURSIVE : rec.mode === AddWatchMode.PERSISTENT ? PERSISTENT : -1
          if (mode === -1) throw new KeeperError(Err.BADARGUMENTS, rec.path)
          tree.dataWatches.add(rec.path, ctx, mode)
          if (mode === PERSISTENT) tree.childWatches.add(rec.path, ctx, mode)
          return replyFrame(req.xid, this.zxid, 0, (w) => w.int(0))
        }
        case OpCode.checkWatches:
        case OpCode.removeWatches: {
          const remove = req.type === OpCode.removeWatches
          const found = this.watchOp(rec.path, rec.type, ctx, remove)
          if (!found) throw new KeeperError(Err.NOWATCHER, rec.path)
          return replyFrame(req.xid, this.zxid, 0)
        }
        case OpCode.setWatches:
        case OpCode.setWatches2:
          this.setWatches(rec, ctx)
          return replyFrame(Xid.SET_WATCHES_XID, this.zxid, 0)
        case OpCode.multiRead:
          return replyFrame(req.xid, this.zxid, 0, (w) => this.multiRead(w, rec as SubOp[], ctx))
        default:
          throw new KeeperError(Err.UNIMPLEMENTED)
      }
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e
      return replyFrame(req.xid, this.zxid, e.code)
    }
  }

  private readable(path: string, ctx: ReadContext) {
    const node = this.core.tree.getNode(path)
    if (!node) throw new KeeperError(Err.NONODE, path)
    if (!checkAcl(node.acl, Perms.READ, ctx.authInfo)) throw new KeeperError(Err.NOAUTH, path)
    return node
  }

  private multiRead(w: JuteWriter, ops: SubOp[], ctx: ReadContext): void {
    for (const op of ops) {
      try {
        const node = this.readable(op.record.path, ctx)
        if (op.type === OpCode.getData) {
          w.int(op.type).bool(false).int(0)
          w.buffer(node.data)
          node.writeStat(w)
        } else {
          w.int(op.type).bool(false).int(0)
          const kids = node.children ? [...node.children] : []
          w.vector(kids, (w, c) => w.ustring(c))
        }
      } catch (e) {
        if (!(e instanceof KeeperError)) throw e
        w.int(-1).bool(false).int(e.code).int(e.code)
      }
    }
    w.int(-1).bool(true).int(-1)
  }

  private watchOp(path: string, type: number, ctx: ReadContext, remove: boolean): boolean {
    const tree = this.core.tree
    const op = (m: typeof tree.dataWatches, modes: number) => (remove ? m.remove(path, ctx, modes) : m.has(path, ctx, modes))
    switch (type) {
      case WatcherType.Children:
        return op(tree.childWatches, STANDARD | PERSISTENT)
      case WatcherType.Data:
        return op(tree.dataWatches, STANDARD | PERSISTENT | RECURSIVE)
      case WatcherType.Any: {
        const a = op(tree.childWatches, 0)
        const b = op(tree.dataWatches, 0)
        return a || b
      }
      case WatcherType.Persistent: {
        const a = op(tree.childWatches, PERSISTENT)
        const b = op(tree.dataWatches, PERSISTENT)
        return a || b
      }
      case WatcherType.PersistentRecursive:
        return op(tree.dataWatches, RECURSIVE)
      default:
        return false
    }
  }

  private setWatches(rec: any, ctx: ReadContext): void {
    const tree = this.core.tree
    const rel = Number(rec.relativeZxid as bigint)
    for (const path of rec.dataWatches as string[]) {
      const node = tree.getNode(path)
      if (!node) ctx.process(EventType.NodeDeleted, path, -1)
      else if (node.mzxid > rel) ctx.process(EventType.NodeDataChanged, path, -1)
      else tree.dataWatches.add(path, ctx, STANDARD)
    }
    for (const path of rec.existWatches as string[]) {
      if (tree.getNode(path)) ctx.process(EventType.NodeCreated, path, -1)
      else tree.dataWatches.add(path, ctx, STANDARD)
    }
    for (const path of rec.childWatches as string[]) {
      const node = tree.getNode(path)
      if (!node) ctx.process(EventType.NodeDeleted, path, -1)
      else if (node.pzxid > rel) ctx.process(EventType.NodeChildrenChanged, path, -1)
      else tree.childWatches.add(path, ctx, STANDARD)
    }
    for (const path of (rec.persistentWatches ?? []) as string[]) {
      tree.childWatches.add(path, ctx, PERSISTENT)
      tree.dataWatches.add(path, ctx, PERSISTENT)
    }
    for (const path of (rec.persistentRecursiveWatches ?? []) as string[]) tree.dataWatches.add(path, ctx, RECURSIVE)
  }
}
