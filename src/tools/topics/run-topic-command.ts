// Runs one kafka-topics action against a cluster and reports failures as Kafka does: the message
// on stdout after "Error while executing topic command : ", an ERROR log line on stderr, exit 1.
import {clientSettings, loadCommandConfig} from '../../cli/kafka-client.js'
import {ToolError} from '../../cli/kafka-command.js'
import {Logger} from '../../common/logger.js'
import {AdminClient} from '../admin/admin-client.js'
import {KafkaApiError} from '../admin/types.js'
import {alterTopic, createTopic, deleteTopics, describeLines, describeTopicsData, listTopics, type TopicAdmin} from './topic-command.js'
import type {TopicOptions} from './topic-options.js'

export async function runTopicAction(admin: TopicAdmin, o: TopicOptions, print: (line: string) => void): Promise<void> {
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
      const {ZkTopicAdmin} = await import('./zk-topic-admin.js')
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
