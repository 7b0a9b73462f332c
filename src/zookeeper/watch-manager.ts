// One table of watches (ZooKeeper keeps two: data/exist watches and child watches). A watch is a
// (path, watcher) pair with mode bits: STANDARD fires once, PERSISTENT stays, RECURSIVE stays and
// also fires for every descendant. Triggering a path delivers one event per watcher, removes the
// standard part of each fired watch, and returns the watchers so a second table can suppress
// duplicates (a delete fires data and child watches but each watcher sees one NodeDeleted).

export interface Watcher {
  readonly sessionId: bigint
  /** Delivers a WatcherEvent (state SyncConnected). */
  process(type: number, path: string, zxid: number): void
}

export const STANDARD = 1
export const PERSISTENT = 2
export const RECURSIVE = 4

export class WatchManager {
  private readonly table = new Map<string, Map<Watcher, number>>()
  private readonly byWatcher = new Map<Watcher, Map<string, number>>()
  private recursiveCount = 0

  add(path: string, watcher: Watcher, mode: number): void {
    let ws = this.table.get(path)
    if (!ws) this.table.set(path, (ws = new Map()))
    const old = ws.get(watcher) ?? 0
    if (mode & RECURSIVE && !(old & RECURSIVE)) this.recursiveCount++
    ws.set(watcher, old | mode)
    let ps = this.byWatcher.get(watcher)
    if (!ps) this.byWatcher.set(watcher, (ps = new Map()))
    ps.set(path, old | mode)
  }

  private setBits(path: string, watcher: Watcher, bits: number): void {
    const ws = this.table.get(path)
    const old = ws?.get(watcher) ?? 0
    if (old & RECURSIVE && !(bits & RECURSIVE)) this.recursiveCount--
    if (bits === 0) {
      ws?.delete(watcher)
      if (ws && ws.size === 0) this.table.delete(path)
      const ps = this.byWatcher.get(watcher)
      ps?.delete(path)
      if (ps && ps.size === 0) this.byWatcher.delete(watcher)
    } else {
      ws!.set(watcher, bits)
      this.byWatcher.get(watcher)!.set(path, bits)
    }
  }

  trigger(path: string, type: number, zxid: number, suppress?: Set<Watcher>): Set<Watcher> {
    const fired = new Set<Watcher>()
    let local: string | null = path
    while (local !== null) {
      const ws = this.table.get(local)
      if (ws) {
        const atParent = local !== path
        for (const [w, bits] of [...ws]) {
          if (!atParent) {
            fired.add(w)
            if (bits & STANDARD) this.setBits(local, w, bits & ~STANDARD)
          } else if (bits & RECURSIVE) fired.add(w)
        }
      }
      if (this.recursiveCount === 0 || local === '/') break
      const i = local.lastIndexOf('/')
      local = i <= 0 ? '/' : local.slice(0, i)
    }
    for (const w of fired) if (!suppress?.has(w)) w.process(type, path, zxid)
    return fired
  }

  /** Removes the given mode bits (0 = all) of a watch; returns whether anything was there. */
  remove(path: string, watcher: Watcher, modes = 0): boolean {
    const bits = this.table.get(path)?.get(watcher)
    if (bits === undefined) return false
    const drop = modes === 0 ? bits : bits & modes
    if (drop === 0) return false
    this.setBits(path, watcher, bits & ~drop)
    return true
  }

  has(path: string, watcher: Watcher, modes = 0): boolean {
    const bits = this.table.get(path)?.get(watcher)
    if (bits === undefined) return false
    return modes === 0 ? true : (bits & modes) !== 0
  }

  removeWatcher(watcher: Watcher): void {
    const ps = this.byWatcher.get(watcher)
    if (!ps) return
    for (const [path, bits] of [...ps]) {
      if (bits & RECURSIVE) this.recursiveCount--
      const ws = this.table.get(path)
      ws?.delete(watcher)
      if (ws && ws.size === 0) this.table.delete(path)
    }
    this.byWatcher.delete(watcher)
  }

  /** Number of (path, watcher) pairs. */
  size(): number {
    let n = 0
    for (const ps of this.byWatcher.values()) n += ps.size
    return n
  }

  pathCount(): number {
    return this.table.size
  }

  watcherCount(): number {
    return this.byWatcher.size
  }

  byWatcherEntries(): IterableIterator<[Watcher, Map<string, number>]> {
    return this.byWatcher.entries()
  }

  byPathEntries(): IterableIterator<[string, Map<Watcher, number>]> {
    return this.table.entries()
  }
}
