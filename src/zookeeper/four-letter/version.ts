// The version the server reports (srvr, stat, mntr, envi). It names the 3.8 line because clients
// (zktop, Kafka's ZooKeeper client checks, monitoring) parse `X.Y.Z-` out of it and act on it.
export const ZK_RELEASE = '3.8.4'
export const KTOOL_VERSION = '0.1.0'
export const ZK_VERSION = `${ZK_RELEASE}-ktool-${KTOOL_VERSION}, built on 2026-11-21 00:00 UTC`
