// Autopurge (PurgeTxnLog): keep the newest `retain` snapshots, the log that covers the oldest of
// them and every later log; delete the rest.
import {unlink} from 'node:fs/promises'
import {listZxidFiles} from './files.js'

export async function purge(snapDir: string, logDir: string, retain: number): Promise<string[]> {
  const snaps = listZxidFiles(snapDir, 'snapshot')
  if (snaps.length <= retain) return []
  const keep = snaps.slice(-Math.max(retain, 1))
  const oldest = keep[0]!.zxid
  const logs = listZxidFiles(logDir, 'log')
  // The newest log that starts at or before the oldest kept snapshot holds its following txns.
  let keepLogFrom = 0
  for (let i = 0; i < logs.length; i++) if (logs[i]!.zxid <= oldest) keepLogFrom = i
  const doomed = [...snaps.slice(0, snaps.length - keep.length).map((s) => s.path), ...logs.slice(0, keepLogFrom).map((l) => l.path)]
  for (const p of doomed) await unlink(p).catch(() => {})
  return doomed
}
