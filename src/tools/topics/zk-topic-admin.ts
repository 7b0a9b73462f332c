// Legacy `--zookeeper` mode: kafka-topics before 3.0 read and wrote the cluster's ZooKeeper layout
// directly. Not implemented yet in this version of ktool.
import {ToolError} from '../../cli/kafka-command.js'
import type {TopicAdmin} from './topic-command.js'

export class ZkTopicAdmin {
  static async connect(connectString: string): Promise<TopicAdmin & {close(): void}> {
    throw new ToolError(`--zookeeper ${connectString}: the ZooKeeper mode of topics is not available yet in this version of ktool; use --bootstrap-server`)
  }
}
