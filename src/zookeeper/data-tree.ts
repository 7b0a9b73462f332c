// The znode tree: nodes, stats, ACLs, ephemerals, containers and TTL nodes, and the watches that
// fire when a transaction changes them. No I/O: the processors feed it transactions in zxid order
// (live, or replayed from the log) and it answers reads. Mirrors ZooKeeper's DataTree, including
// its quirks that clients can see (cversion grows on create only; pzxid moves on create/delete;
// "Node count" counts the root twice because ZooKeeper maps both "" and "/" to it).
import {OpCode} from '../protocol/zookeeper/generated/opcodes.js'
import {EventType} from '../protocol/zookeeper/generated/constants.js'
import type {ACL, Stat} from '../protocol/zookeeper/generated/records.js'
import type {JuteWriter} from '../protocol/zookeeper/jute.js'
import {aclKey, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE} from './acl.js'
import {Err, KeeperError} from './errors.js'
import {childName, joinPath, parentOf} from './path.js'
import type {Txn, TxnHeader} from './txn.js'
import {WatchManager, type Watcher} from './watch-manager.js'
import {DIGEST_LOG_INTERVAL, DIGEST_LOG_LIMIT, nodeDigest, type ZxidDigest} from './digest.js'

export const CONTAINER_OWNER = -0x8000000000000000n
const EXTENDED_MASK = -0x100000000000000n // 0xff00000000000000 as a signed long

export function ttlOwner(ttl: bigint): bigint {
  return BigInt.asIntN(64, EXTENDED_MASK | ttl)
}

export type EphemeralKind = 'void' | 'normal' | 'container' | 'ttl'

export function ephemeralKind(owner: bigint, extendedTypes: boolean): EphemeralKind {
  if (owner === 0n) return 'void'
  if (owner === CONTAINER_OWNER) return 'container'
  if (extendedTypes && owner < 0n) return 'ttl'
  return 'normal'
}

export function ttlOf(owner: bigint): number {
  return Number(owner & 0xffffffffffn)
}

export class DataNode {
  children: Set<string> | null = null
  /** This node's digest (see digest.ts) while its fields are unchanged; -1 = not computed. */
  digest = -1
  constructor(
    public data: Buffer | null,
    public acl: ACL[],
    public czxid: number,
    public mzxid: number,
    public ctime: number,
    public mtime: number,
    public version: number,
    public cversion: number,
    public aversion: number,
    public ephemeralOwner: bigint,
    public pzxid: number,
  ) {}

  get numChildren(): number {
    return this.children ? this.children.size : 0
  }

  /**
   * What clients see (DataNode.copyStat): cversion counts creates internally and is shown as
   * changes, 2 * creates - children (each child still present was created but not deleted);
   * containers and TTL nodes show ephemeralOwner 0.
   */
  clientCversion(): number {
    return this.cversion * 2 - this.numChildren
  }

  clientOwner(): bigint {
    return this.ephemeralOwner < 0n ? 0n : this.ephemeralOwner
  }

  stat(): Stat {
    return {
      czxid: BigInt(this.czxid), mzxid: BigInt(this.mzxid), ctime: BigInt(this.ctime), mtime: BigInt(this.mtime),
      version: this.version, cversion: this.clientCversion(), aversion: this.aversion, ephemeralOwner: this.clientOwner(),
      dataLength: this.data ? this.data.length : 0, numChildren: this.numChildren, pzxid: BigInt(this.pzxid),
    }
  }

  /** Writes a jute Stat without going through bigints (the hot path of every read). */
  writeStat(w: JuteWriter): void {
    w.longNum(this.czxid).longNum(this.mzxid).longNum(this.ctime).longNum(this.mtime)
    w.int(this.version).int(this.clientCversion()).int(this.aversion).long(this.clientOwner())
    w.int(this.data ? this.data.length : 0).int(this.numChildren).longNum(this.pzxid)
  }
}

export interface TxnResult {
  type: number
  err: number
  path?: string
  node?: DataNode
  multi?: TxnResult[]
}

/** What the server's metrics want to hear from the tree (mntr's watch and namespace summaries). */
export interface TreeObserver {
  watchesFired(type: number, count: number): void
  namespaceWrite(path: string, bytes: number): void
}

export class DataTree {
  /** Set by the server once the tree is restored. */
  observer: TreeObserver | null = null
  readonly nodes = new Map<string, DataNode>()
  readonly ephemerals = new Map<bigint, Set<string>>()
  readonly containers = new Set<string>()
  readonly ttls = new Set<string>()
  /** Sessions and their timeouts, as ZKDatabase keeps them (restored from snapshot + log). */
  readonly sessions = new Map<bigint, number>()
  readonly dataWatches = new WatchManager()
  readonly childWatches = new WatchManager()
  private readonly aclCache = new Map<string, ACL[]>()
  lastProcessedZxid = 0
  /** Path lengths plus data lengths; 1 for the root, which ZooKeeper keys as "/" (and ""). */
  approximateDataSize = 1
  /** The sum of the nodes' digests (a Java long once wrapped with BigInt.asIntN(64, ...)). */
  private treeDigest = 0n
  /** (zxid, tree digest) after every 128th zxid, the last 1024: what `hash` prints. */
  readonly digestLog: ZxidDigest[] = []

  constructor(readonly extendedTypes = false) {
    const root = new DataNode(Buffer.alloc(0), this.internAcl(OPEN_ACL_UNSAFE), 0, 0, 0, 0, 0, 0, 0, 0n, 0)
    this.nodes.set('/', root)
    this.addSystemNode('/zookeeper', OPEN_ACL_UNSAFE)
    this.addSystemNode('/zookeeper/quota', OPEN_ACL_UNSAFE)
    this.addSystemNode('/zookeeper/config', READ_ACL_UNSAFE)
    this.recomputeDigest()
  }

  // ---- digest (ZooKeeper's NodeHashMap: remove a node's digest before a change, add it after) ----

  private addDigest(path: string, node: DataNode): void {
    if (node.digest < 0) node.digest = nodeDigest(path, node)
    this.treeDigest += BigInt(node.digest)
  }

  private removeDigest(path: string, node: DataNode): void {
    if (node.digest < 0) node.digest = nodeDigest(path, node)
    this.treeDigest -= BigInt(node.digest)
  }

  private changed(path: string, node: DataNode): void {
    node.digest = -1
    this.addDigest(path, node)
  }

  /** The digest of the whole tree from scratch (after building it from a snapshot). */
  recomputeDigest(): void {
    this.treeDigest = 0n
    for (const [path, node] of this.nodes) {
      node.digest = -1
      this.addDigest(path, node)
    }
  }

  /** The tree digest as ZooKeeper reports it (a signed 64-bit value). */
  digest(): bigint {
    return BigInt.asIntN(64, this.treeDigest)
  }

  private addSystemNode(path: string, acl: ACL[]): void {
    const node = new DataNode(Buffer.alloc(0), this.internAcl(acl), 0, 0, 0, 0, 0, 0, 0, 0n, 0)
    this.nodes.set(path, node)
    this.linkChild(parentOf(path), path)
    this.approximateDataSize += path.length
  }

  internAcl(acl: readonly ACL[]): ACL[] {
    const key = aclKey(acl)
    let hit = this.aclCache.get(key)
    if (!hit) this.aclCache.set(key, (hit = acl.map((a) => ({perms: a.perms, id: {scheme: a.id.scheme, id: a.id.id}}))))
    return hit
  }

  getNode(path: string): DataNode | undefined {
    return this.nodes.get(path === '' ? '/' : path)
  }

  /** Like ZooKeeper's nodes.size(): the root is counted under both "" and "/". */
  nodeCount(): number {
    return this.nodes.size + 1
  }

  private linkChild(parent: string, path: string): void {
    const p = this.nodes.get(parent === '' ? '/' : parent)!
    if (!p.children) p.children = new Set()
    p.children.add(childName(path))
  }

  // ---- applying transactions ----

  createNode(path: string, data: Buffer | null, acl: ACL[], owner: bigint, parentCVersion: number, zxid: number, time: number): DataNode {
    const parentPath = parentOf(path)
    const parent = this.getNode(parentPath)
    if (!parent) throw new KeeperError(Err.NONODE, path)
    const name = childName(path)
    if (parent.children?.has(name) || path === '/') throw new KeeperError(Err.NODEEXISTS, path)
    if (parentCVersion === -1) parentCVersion = parent.cversion + 1
    const parentKey = parentPath === '' ? '/' : parentPath
    this.removeDigest(parentKey, parent)
    if (parentCVersion > parent.cversion) {
      parent.cversion = parentCVersion
      parent.pzxid = zxid
    }
    this.changed(parentKey, parent)
    // Copy: the request's bytes are a slice of a socket chunk or of a whole log file.
    if (data) data = Buffer.from(data)
    const node = new DataNode(data, this.internAcl(acl), zxid, zxid, time, time, 0, 0, 0, owner, zxid)
    if (!parent.children) parent.children = new Set()
    parent.children.add(name)
    this.nodes.set(path, node)
    this.addDigest(path, node)
    const kind = ephemeralKind(owner, this.extendedTypes)
    if (kind === 'container') this.containers.add(path)
    else if (kind === 'ttl') this.ttls.add(path)
    else if (kind === 'normal') {
      let set = this.ephemerals.get(owner)
      if (!set) this.ephemerals.set(owner, (set = new Set()))
      set.add(path)
    }
    this.approximateDataSize += path.length + (data ? data.length : 0)
    this.observer?.namespaceWrite(path, data ? data.length : 0)
    this.fired(EventType.NodeCreated, this.dataWatches.trigger(path, EventType.NodeCreated, zxid))
    this.fired(EventType.NodeChildrenChanged, this.childWatches.trigger(parentPath === '' ? '/' : parentPath, EventType.NodeChildrenChanged, zxid))
    return node
  }

  deleteNode(path: string, zxid: number): void {
    const node = this.nodes.get(path)
    if (!node || path === '/') throw new KeeperError(Err.NONODE, path)
    const parentPath = parentOf(path)
    const parent = this.getNode(parentPath)
    if (!parent) throw new KeeperError(Err.NONODE, path)
    const parentKey = parentPath === '' ? '/' : parentPath
    this.removeDigest(parentKey, parent)
    parent.children?.delete(childName(path))
    if (zxid > parent.pzxid) parent.pzxid = zxid
    this.changed(parentKey, parent)
    this.nodes.delete(path)
    this.removeDigest(path, node)
    const kind = ephemeralKind(node.ephemeralOwner, this.extendedTypes)
    if (kind === 'container') this.containers.delete(path)
    else if (kind === 'ttl') this.ttls.delete(path)
    else if (kind === 'normal') {
      const set = this.ephemerals.get(node.ephemeralOwner)
      set?.delete(path)
      if (set && set.size === 0) this.ephemerals.delete(node.ephemeralOwner)
    }
    this.approximateDataSize -= path.length + (node.data ? node.data.length : 0)
    this.observer?.namespaceWrite(path, 0)
    const fired = this.dataWatches.trigger(path, EventType.NodeDeleted, zxid)
    this.fired(EventType.NodeDeleted, fired)
    this.fired(EventType.NodeDeleted, this.childWatches.trigger(path, EventType.NodeDeleted, zxid, fired))
    this.fired(EventType.NodeChildrenChanged, this.childWatches.trigger(parentPath === '' ? '/' : parentPath, EventType.NodeChildrenChanged, zxid))
  }

  setData(path: string, data: Buffer | null, version: number, zxid: number, time: number): DataNode {
    const node = this.nodes.get(path)
    if (!node) throw new KeeperError(Err.NONODE, path)
    this.approximateDataSize += (data ? data.length : 0) - (node.data ? node.data.length : 0)
    this.removeDigest(path, node)
    node.data = data ? Buffer.from(data) : null
    node.mtime = time
    node.mzxid = zxid
    node.version = version
    this.changed(path, node)
    this.observer?.namespaceWrite(path, data ? data.length : 0)
    this.fired(EventType.NodeDataChanged, this.dataWatches.trigger(path, EventType.NodeDataChanged, zxid))
    return node
  }

  setAcl(path: string, acl: ACL[], version: number): DataNode {
    const node = this.nodes.get(path)
    if (!node) throw new KeeperError(Err.NONODE, path)
    this.removeDigest(path, node)
    node.acl = this.internAcl(acl)
    node.aversion = version
    this.changed(path, node)
    return node
  }

  private fired(type: number, watchers: Set<Watcher>): void {
    if (watchers.size > 0) this.observer?.watchesFired(type, watchers.size)
  }

  killSession(sessionId: bigint, zxid: number, paths?: string[]): void {
    const list = paths && paths.length > 0 ? paths : [...(this.ephemerals.get(sessionId) ?? [])]
    for (const p of list) {
      try {
        this.deleteNode(p, zxid)
      } catch {
        // already gone: ZooKeeper logs and carries on
      }
    }
  }

  /** Applies one transaction; the caller guarantees zxid order. */
  processTxn(hdr: TxnHeader, txn: Txn): TxnResult {
    const res = this.apply(hdr, txn, hdr.type)
    if (hdr.zxid > this.lastProcessedZxid) this.lastProcessedZxid = hdr.zxid
    if (hdr.zxid % DIGEST_LOG_INTERVAL === 0) {
      this.digestLog.push({zxid: hdr.zxid, digest: this.digest()})
      if (this.digestLog.length > DIGEST_LOG_LIMIT) this.digestLog.shift()
    }
    return res
  }

  private apply(hdr: TxnHeader, txn: Txn, type: number): TxnResult {
    const {zxid, time} = hdr
    try {
      switch (txn.type) {
        case OpCode.create:
        case OpCode.create2: {
          const owner = txn.ephemeral ? hdr.clientId : 0n
          return {type, err: 0, path: txn.path, node: this.createNode(txn.path, txn.data, txn.acl, owner, txn.parentCVersion, zxid, time)}
        }
        case OpCode.createContainer:
          return {type, err: 0, path: txn.path, node: this.createNode(txn.path, txn.data, txn.acl, CONTAINER_OWNER, txn.parentCVersion, zxid, time)}
        case OpCode.createTTL:
          return {type, err: 0, path: txn.path, node: this.createNode(txn.path, txn.data, txn.acl, ttlOwner(txn.ttl), txn.parentCVersion, zxid, time)}
        case OpCode.delete:
        case OpCode.deleteContainer:
          this.deleteNode(txn.path, zxid)
          return {type, err: 0, path: txn.path}
        case OpCode.setData:
          return {type, err: 0, path: txn.path, node: this.setData(txn.path, txn.data, txn.version, zxid, time)}
        case OpCode.setACL:
          return {type, err: 0, path: txn.path, node: this.setAcl(txn.path, txn.acl, txn.version)}
        case OpCode.check:
          return {type, err: 0, path: txn.path, node: this.nodes.get(txn.path)}
        case OpCode.createSession:
          this.sessions.set(hdr.clientId, txn.timeOut)
          return {type, err: 0}
        case OpCode.closeSession:
          this.sessions.delete(hdr.clientId)
          this.killSession(hdr.clientId, zxid, txn.paths2Delete)
          return {type, err: 0}
        case OpCode.error:
          return {type, err: txn.err}
        case OpCode.multi: {
          // DataTree.processTxn: if any sub-txn is an error, the others turn into errors too
          // (OK before the failure, RUNTIMEINCONSISTENCY after it) and nothing is applied.
          const failed = txn.txns.some((t) => t.type === OpCode.error)
          const multi: TxnResult[] = []
          let postFailed = false
          let err = 0
          for (const sub of txn.txns) {
            let t = sub
            if (failed && t.type !== OpCode.error) t = {type: OpCode.error, err: postFailed ? Err.RUNTIMEINCONSISTENCY : 0}
            if (t.type === OpCode.error && t.err !== 0) postFailed = true
            const r = this.apply(hdr, t, t.type)
            multi.push(r)
            if (r.err !== 0 && err === 0) err = r.err
          }
          return {type, err, multi}
        }
      }
    } catch (e) {
      if (e instanceof KeeperError) return {type, err: e.code, path: e.path}
      throw e
    }
  }

  // ---- reads ----

  getChildren(path: string): string[] {
    const node = this.getNode(path)
    if (!node) throw new KeeperError(Err.NONODE, path)
    return node.children ? [...node.children] : []
  }

  allChildrenNumber(path: string): number {
    // ZooKeeper counts every descendant (not the node itself); for "/" it is nodes.size - 2.
    if (path === '/') return this.nodes.size - 1
    let n = 0
    const stack = [path]
    while (stack.length) {
      const p = stack.pop()!
      const node = this.nodes.get(p)
      if (!node?.children) continue
      for (const c of node.children) {
        n++
        stack.push(joinPath(p, c))
      }
    }
    return n
  }

  ephemeralsOf(sessionId: bigint): string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])]
  }

  ephemeralCount(): number {
    let n = 0
    for (const s of this.ephemerals.values()) n += s.size
    return n
  }

  removeWatcher(w: Watcher): void {
    this.dataWatches.removeWatcher(w)
    this.childWatches.removeWatcher(w)
  }
}
