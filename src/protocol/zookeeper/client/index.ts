// ktool's ZooKeeper client (see client.ts). Loads only node:net, node:events and the jute codec.
export {ZooKeeperClient, type ZooKeeperClientOptions, type ClientState, type Stat, type ACL, type Watcher, type WatchEvent, type MultiOp, type MultiResult, type CreateModeName} from './client.js'
export {ZooKeeperError, hasCode} from './zookeeper-error.js'
export {parseConnectString, prependChroot, stripChroot, type ConnectString, type HostPort} from './connect-string.js'
export {Err} from '../generated/errors.js'
export {EventType} from '../generated/constants.js'
