// Small pieces the group handlers (src/broker/handlers/08..16, 42, 47) share.
import type {HandlerContext} from '../handlers/context.js'

/** Kafka shows a member's host as InetAddress.toString(): "/127.0.0.1". */
export function clientHost(ctx: HandlerContext): string {
  const addr = ctx.connection.remoteAddress
  return '/' + (addr.startsWith('::ffff:') ? addr.slice(7) : addr)
}

/** The request's client.id, '' when absent (as Kafka records it for members). */
export function clientId(ctx: HandlerContext): string {
  return ctx.header.clientId ?? ''
}

/** Whether the partition exists in the cluster metadata (Kafka checks this for offset commits and deletes). */
export function partitionExists(ctx: HandlerContext, topic: string, partition: number): boolean {
  const t = ctx.broker.metadata.topic(topic)
  return t !== undefined && t.partitions.some((p) => p.partition === partition)
}

/** DescribeGroups authorized operations with no authorizer: READ, DELETE, DESCRIBE. */
export const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)
export const OPERATIONS_OMITTED = -2147483648
