// Snapshots, in ZooKeeper's FileSnap format:
//
//   FileHeader  int magic "ZKSN", int version 2, long dbid -1
//   sessions    int count, then (long sessionId, int timeout)*
//   ACL cache   int count, then (long index, vector<ACL>)*
//   nodes       (ustring path, buffer data, long aclIndex, StatPersisted)* in depth-first order,
//               the root as "", ended by the path "/"
//   checksum    long adler32 of every byte above, then ustring "/"
//
// The file is snapshot.<zxid>, zxid being the last transaction applied to the tree it holds.
// Differences from ZooKeeper: ours is exact rather than fuzzy (the tree is serialised between two
// transactions), and there is no trailing zxid digest (ZooKeeper reads snapshots without one).
import {open, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {JuteError, JuteReader, JuteWriter} from '../../protocol/zookeeper/jute.js'
import {decodeACL, encodeACL, type ACL} from '../../protocol/zookeeper/generated/records.js'
import {aclKey, OPEN_ACL_UNSAFE} from '../acl.js'
import {DataNode, DataTree, CONTAINER_OWNER, ephemeralKind} from '../data-tree.js'
import {childName, joinPath, parentOf} from '../path.js'
import {adler32} from './adler32.js'
import {FILE_VERSION, SNAP_MAGIC, zxidHex} from './files.js'

export function serializeSnapshot(tree: DataTree): Buffer {
  return Buffer.concat(serializeSnapshotParts(tree))
}

/** The snapshot as its body and its checksum trailer, written with one writev (no copy of the body). */
export function serializeSnapshotParts(tree: DataTree): [Buffer, Buffer] {
  const w = new JuteWriter(64 * 1024)
  w.int(SNAP_MAGIC).int(FILE_VERSION).long(-1n)
  w.int(tree.sessions.size)
  for (const [id, timeout] of tree.sessions) w.long(id).int(timeout)
  // ACL cache: index every distinct list in use.
  const index = new Map<string, number>()
  const lists: [number, ACL[]][] = []
  for (const node of tree.nodes.values()) {
    const key = aclKey(node.acl)
    if (!index.has(key)) {
      index.set(key, lists.length + 1)
      lists.push([lists.length + 1, node.acl])
    }
  }
  w.int(lists.length)
  for (const [i, acl] of lists) {
    w.longNum(i)
    w.vector(acl, (w, a) => encodeACL(w, a))
  }
  const stack: string[] = ['/']
  while (stack.length) {
    const path = stack.pop()!
    const n = tree.nodes.get(path)
    if (!n) continue
    w.ustring(path === '/' ? '' : path)
    w.buffer(n.data)
    w.longNum(index.get(aclKey(n.acl))!)
    w.longNum(n.czxid).longNum(n.mzxid).longNum(n.ctime).longNum(n.mtime)
    w.int(n.version).int(n.cversion).int(n.aversion).long(n.ephemeralOwner).longNum(n.pzxid)
    if (n.children) {
      const kids = [...n.children]
      for (let i = kids.length - 1; i >= 0; i--) stack.push(joinPath(path, kids[i]!))
    }
  }
  w.ustring('/')
  const body = w.finish()
  const tail = new JuteWriter(16)
  tail.long(BigInt(adler32(body)))
  tail.ustring('/')
  return [body, tail.finish()]
}

/** Parses a snapshot; throws JuteError when it is truncated or its checksum is wrong. */
export function parseSnapshot(buf: Buffer, extendedTypes: boolean): DataTree {
  const r = new JuteReader(buf)
  if (r.int() !== SNAP_MAGIC) throw new JuteError('not a snapshot (bad magic)')
  r.int()
  r.long()
  const tree = new DataTree(extendedTypes)
  tree.nodes.clear()
  tree.approximateDataSize = 1
  const nSessions = r.int()
  for (let i = 0; i < nSessions; i++) tree.sessions.set(r.long(), r.int())
  const acls = new Map<number, ACL[]>()
  const nAcls = r.int()
  for (let i = 0; i < nAcls; i++) {
    const idx = r.longNum()
    acls.set(idx, tree.internAcl(r.vector(decodeACL)))
  }
  for (;;) {
    let path = r.ustring()
    if (path === '/') break
    if (path === '') path = '/'
    const data = r.buffer()
    const aclIdx = r.longNum()
    const node = new DataNode(
      data ? Buffer.from(data) : null, aclIdx === -1 ? tree.internAcl(OPEN_ACL_UNSAFE) : acls.get(aclIdx) ?? tree.internAcl(OPEN_ACL_UNSAFE),
      r.longNum(), r.longNum(), r.longNum(), r.longNum(), r.int(), r.int(), r.int(), r.long(), r.longNum(),
    )
    tree.nodes.set(path, node)
    if (path !== '/') {
      const parent = tree.nodes.get(parentOf(path))
      if (!parent) throw new JuteError(`snapshot node ${path} has no parent`)
      if (!parent.children) parent.children = new Set()
      parent.children.add(childName(path))
      tree.approximateDataSize += path.length + (data ? data.length : 0)
      const kind = ephemeralKind(node.ephemeralOwner, extendedTypes)
      if (node.ephemeralOwner === CONTAINER_OWNER) tree.containers.add(path)
      else if (kind === 'ttl') tree.ttls.add(path)
      else if (kind === 'normal') {
        let set = tree.ephemerals.get(node.ephemeralOwner)
        if (!set) tree.ephemerals.set(node.ephemeralOwner, (set = new Set()))
        set.add(path)
      }
    }
  }
  const end = r.offset
  const sum = Number(r.long())
  if (adler32(buf, 1, 0, end) !== sum) throw new JuteError('snapshot checksum mismatch')
  if (r.ustring() !== '/') throw new JuteError('snapshot end marker missing')
  if (!tree.nodes.has('/')) throw new JuteError('snapshot has no root')
  tree.recomputeDigest()
  return tree
}

export async function writeSnapshot(dir: string, tree: DataTree): Promise<string> {
  const zxid = tree.lastProcessedZxid
  const parts = serializeSnapshotParts(tree)
  const path = join(dir, `snapshot.${zxidHex(zxid)}`)
  const fh = await open(path, 'w')
  try {
    const total = parts[0].length + parts[1].length
    let done = (await fh.writev(parts, 0)).bytesWritten
    // A short write (over 2 GB in one call) goes on from where it stopped.
    const all = done < total ? Buffer.concat(parts) : null
    while (all && done < total) done += (await fh.write(all, done, total - done, done)).bytesWritten
    await fh.sync()
  } finally {
    await fh.close()
  }
  return path
}

export async function readSnapshot(path: string, zxid: number, extendedTypes: boolean): Promise<DataTree> {
  const tree = parseSnapshot(await readFile(path), extendedTypes)
  tree.lastProcessedZxid = zxid
  return tree
}
