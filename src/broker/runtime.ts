// What the broker's own handlers reach beyond the shared BrokerContext: the mutable metadata store,
// topic administration, producer state, the handler registry (for ApiVersions). KafkaBroker builds
// one BrokerRuntime and hands it to every handler as ctx.broker; group handlers see it through the
// narrower BrokerContext interface.
import type {BrokerContext, HandlerContext} from './handlers/context.js'
import type {HandlerRegistry} from './handlers/registry.js'
import type {MetadataStore} from './cluster/metadata-store.js'
import type {TopicAdmin} from './cluster/topic-admin.js'
import type {ProducerStateManager} from './producer-state.js'
import type {PartitionLog} from './log/index.js'

export interface BrokerRuntime extends BrokerContext {
  readonly metadata: MetadataStore
  readonly registry: HandlerRegistry
  readonly topicAdmin: TopicAdmin
  readonly producers: ProducerStateManager
  /** The log of a partition this broker leads, or undefined (unknown topic/partition). */
  partitionLog(topic: string, partition: number): PartitionLog | undefined
  /** Bumped when the broker is stopping: waits give up early. */
  readonly stopping: AbortSignal
}

export function runtime(ctx: HandlerContext): BrokerRuntime {
  return ctx.broker as BrokerRuntime
}
