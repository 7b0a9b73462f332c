// Runs one kafka-topics action against a cluster and reports failures as Kafka does: the message
// on stdout after "Error while executing topic command : ", an ERROR log line on stderr, exit 1.
import {clientSettings, loadCommandConfig} from '../../cli/kafka-client.js'
import {ToolError} from '../../cli/kafka-command.js'
import {Logger} from '../../common/logger.js'
import {AdminClient} from '../admin/admin-client.js'
import {KafkaApiError} from '../admin/types.js'
import {alterTopic, createTopic, deleteTopics, describeLines, describeTopicsData, listTopics, matchingTopics, type TopicAdmin} from './topic-command.js'
import {ZkTopicAdmin} from './zk-topic-admin.js'
import type {TopicOptions} from './topic-options.js'

/** The ZooKeeper path's own messages (Kafka 2.x, reference §2.6). */
async function runLegacyAction(admin: ZkTopicAdmin, o: TopicOptions, print: (line: string) => void): Promise<boolean> {
  if (o.action === 'list') {
    const marked = await admin.markedForDeletion()
    const names = await matchingTopics(admin, o.topic, o.excludeInternal)
    print(names.map((t) => (marked.has(t) ? `${t} - marked for deletion` : t)).join('\n'))
    return true
  }
  if (o.action === 'alter' && o.configs.length + o.deleteConfigs.length === 0) {
    await alterTopic(admin, o)
    print('WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected')
    print('Adding partitions succeeded!')
    return true
  }
  if (o.action === 'delete') {
    const topics = await matchingTopics(admin, o.topic, o.excludeInternal)
    if (o.topic && !o.ifExists && topics.length === 0) throw new Error(`Topic '${o.topic}' does not exist as expected`)
    const marked = await admin.markedForDeletion()
    for (const t of topics) {
      if (marked.has(t)) print(`Topic ${t} is already marked for deletion.`)
      else {
        await admin.deleteTopics([t])
        print(`Topic ${t} is marked for deletion.`)
        print('Note: This will have no impact if delete.topic.enable is not set to true.')
      }
    }
    return true
  }
  if (o.action === 'alter') throw new Error('--config and --delete-config with --alter are not supported by ktool; use a ZooKeeper-mode broker\'s kafka-configs')
  return false
}

export async function runTopicAction(admin: TopicAdmin, o: TopicOptions, print: (line: string) => void): Promise<void> {
  if (admin instanceof ZkTopicAdmin && (await runLegacyAction(admin, o, print))) return
  switch (o.action) {
    case 'list':
      for (const line of await listTopics(admin, o)) print(line)
      return
    case 'describe':
      for (const line of describeLines(await describeTopicsData(admin, o), o)) print(line)
      return
    case 'create':
      return createTopic(admin, o, print)
    case 'alter':
      return alterTopic(admin, o)
    case 'delete':
      return deleteTopics(admin, o)
  }
}

export async function runTopicCommand(o: TopicOptions, print: (line: string) => void, printErr: (line: string) => void): Promise<number> {
  const logger = new Logger('org.apache.kafka.tools.TopicCommand', printErr, 'INFO')
  let admin: (TopicAdmin & {close(): void}) | undefined
  try {
    if (o.zookeeper !== undefined) {
      admin = await ZkTopicAdmin.connect(o.zookeeper)
    } else {
      const props = loadCommandConfig(o.commandConfig)
      admin = await AdminClient.connect(clientSettings(o.bootstrapServer!, props, {clientId: 'ktool-topics', requestTimeoutMs: 30_000}))
    }
    const connected = admin
    await runTopicAction(connected, o, print)
    return 0
  } catch (error) {
    if (error instanceof ToolError) {
      printErr(error.message)
      return error.exitCode
    }
    const e = error as Error
    print(`Error while executing topic command : ${e.message}`)
    const cls = error instanceof KafkaApiError ? error.exceptionClass : e.name === 'TopicCommandError' ? 'java.lang.IllegalArgumentException' : e.name
    logger.error(`${cls}: ${e.message}`)
    return 1
  } finally {
    admin?.close()
  }
}
