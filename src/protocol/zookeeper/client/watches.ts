// The client's one-shot watches, by kind and server path, as Java's ZKWatchManager keeps them:
// an event fires (and removes) the watchers it concerns; after a reconnect with the same session
// the paths are sent again with setWatches so the server re-arms them.
import {EventType} from '../generated/constants.js'
import type {WatchKind} from './ops.js'

export interface WatchEvent {
  /** EventType: NodeCreated 1, NodeDeleted 2, NodeDataChanged 3, NodeChildrenChanged 4. */
  type: number
  /** KeeperState (SyncConnected 3). */
  state: number
  /** The client's path (chroot stripped). */
  path: string
  /** node-zookeeper-client's accessors, kept for callers written against it. */
  getType(): number
  getPath(): string
}

export type Watcher = (event: WatchEvent) => void

export class WatchRegistry {
  private readonly byKind: Record<WatchKind, Map<string, Set<Watcher>>> = {data: new Map(), exist: new Map(), child: new Map()}

  add(kind: WatchKind, path: string, watcher: Watcher): void {
    const map = this.byKind[kind]
    let set = map.get(path)
    if (!set) map.set(path, (set = new Set()))
    set.add(watcher)
  }

  /** Removes and returns the watchers an event on `path` triggers. */
  take(type: number, path: string): Watcher[] {
    const kinds: WatchKind[] =
      type === EventType.NodeCreated || type === EventType.NodeDataChanged ? ['data', 'exist']
      : type === EventType.NodeDeleted ? ['data', 'exist', 'child']
      : type === EventType.NodeChildrenChanged ? ['child']
      : []
    const out = new Set<Watcher>()
    for (const k of kinds) {
      const set = this.byKind[k].get(path)
      if (!set) continue
      this.byKind[k].delete(path)
      for (const w of set) out.add(w)
    }
    return [...out]
  }

  paths(kind: WatchKind): string[] {
    return [...this.byKind[kind].keys()]
  }

  get size(): number {
    return this.byKind.data.size + this.byKind.exist.size + this.byKind.child.size
  }

  clear(): void {
    for (const m of Object.values(this.byKind)) m.clear()
  }
}
