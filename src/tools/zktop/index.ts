// ktool zktop: a live top for ZooKeeper servers, the successor of zktop.py (phunt/zktop).
export {runOnce, snapshotJson, type OnceOptions, type OnceResult} from './once.js'
// The live screen (monitor.ts, screen.ts) is imported on its own, so that --once never loads blessed.
export {pollServer, resetServerStats, type PollOptions} from './poll-server.js'
export {targetsFromConfig, targetsFromServers, TargetError} from './targets.js'
export {useColor, useUnicode} from './terminal.js'
export type {ServerSnapshot, ServerTarget} from './types.js'
