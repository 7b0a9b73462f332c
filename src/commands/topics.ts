import {KafkaCommand, ToolError, bootstrapFlag, commandConfigFlag, helpFlag, versionFlag} from '../cli/kafka-command.js'
import {kflag} from '../cli/kafka-options.js'

export default class Topics extends KafkaCommand {
  static override summary = 'Create, delete, describe, or change a topic.'
  static override usageLine = 'Create, delete, describe, or change a topic.'
  static override hiddenAliases = ['kafka-topics', 'kafka-topics.sh']
  static override strict = false
  static override description = `Works like Kafka's kafka-topics.sh (3.7): the same flags, output lines, error texts and exit codes, so scripts written for it run unchanged. Exactly one action (--create, --list, --describe, --alter, --delete) is required. For --list, --describe, --alter and --delete, --topic is a regular expression that must match the whole name (commas separate alternatives).

Errors found while running print "Error while executing topic command : <message>" on stdout and exit 1; usage errors print the message and the option table on stderr and exit 1.

Differences from Kafka: --help prints ktool's help and exits 0 (Kafka exits 1); --version prints ktool's version; no Java stack traces follow errors. --describe lists topics sorted by name (Kafka's order is unspecified). --zookeeper (removed from Kafka 3.0) is still accepted: it reads and writes the ZooKeeper layout a ZooKeeper-mode broker keeps, with the 2.x messages for --alter and --delete. Topic configs given with --config are checked before the cluster is contacted, as Kafka does.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 1',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --list --exclude-internal',
    "<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --describe --topic 'orders|payments'",
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --alter --topic orders --partitions 6',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --delete --topic orders --if-exists',
  ]

  static override flags = {
    'alter': kflag.flag({description: 'Raise the partition count of a topic (or of every topic the --topic pattern matches).'}),
    'at-min-isr-partitions': kflag.flag({description: 'With --describe, show only partitions whose in-sync replica count equals min.insync.replicas.'}),
    'bootstrap-server': bootstrapFlag('REQUIRED: the Kafka server(s) to connect to, as host:port[,host:port...].'),
    'command-config': commandConfigFlag(),
    'config': kflag.value({description: 'A topic setting for the topic being created, as name=value; repeat for several.', descriptor: 'name=value', multiple: true}),
    'create': kflag.flag({description: 'Create a new topic.'}),
    'delete': kflag.flag({description: 'Delete a topic (or every topic the --topic pattern matches).'}),
    'delete-config': kflag.value({description: 'A topic setting to remove (--zookeeper mode with --alter only).', descriptor: 'name', multiple: true}),
    'describe': kflag.flag({description: 'Show the partitions, leaders, replicas and settings of topics.'}),
    'disable-rack-aware': kflag.flag({description: 'Accepted for compatibility with older scripts; has no effect.', hidden: true}),
    'exclude-internal': kflag.flag({description: 'Leave out internal topics (__consumer_offsets, __transaction_state) in --list and --describe.'}),
    'force': kflag.flag({description: 'Accepted for compatibility with older scripts; has no effect.', hidden: true}),
    'help': helpFlag(),
    'if-exists': kflag.flag({description: 'With --alter, --delete or --describe: do nothing (and succeed) when the topic does not exist.'}),
    'if-not-exists': kflag.flag({description: 'With --create: do nothing (and succeed) when the topic already exists.'}),
    'list': kflag.flag({description: 'Print the names of the topics, one per line.'}),
    'partition-size-limit-per-response': kflag.value({description: 'Accepted for compatibility with Kafka 3.9; has no effect.', descriptor: 'maximum number of partitions per response', kind: 'int', hidden: true}),
    'partitions': kflag.value({description: 'Number of partitions for --create, or the new (larger) count for --alter. Defaults to the broker\'s num.partitions on create.', descriptor: '# of partitions', kind: 'int'}),
    'replica-assignment': kflag.value({description: 'Explicit replica placement: partitions separated by commas, broker ids of one partition by colons (e.g. 0:1,1:2).', descriptor: 'broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , ...'}),
    'replication-factor': kflag.value({description: 'Replicas per partition for --create. Defaults to the broker\'s default.replication.factor.', descriptor: 'replication factor', kind: 'int'}),
    'topic': kflag.value({description: 'The topic name for --create; for the other actions a regular expression matched against whole names.', descriptor: 'topic'}),
    'topic-id': kflag.value({description: 'With --describe: select the topic by its id instead of its name.', descriptor: 'topic-id'}),
    'topics-with-overrides': kflag.flag({description: 'With --describe, show only topics that have settings differing from the defaults.'}),
    'unavailable-partitions': kflag.flag({description: 'With --describe, show only partitions without a leader, or whose leader is not a live broker.'}),
    'under-min-isr-partitions': kflag.flag({description: 'With --describe, show only partitions with fewer in-sync replicas than min.insync.replicas.'}),
    'under-replicated-partitions': kflag.flag({description: 'With --describe, show only partitions with fewer in-sync replicas than replicas.'}),
    'version': versionFlag(),
    'zookeeper': kflag.value({description: 'Legacy: reach the cluster through its ZooKeeper (host:port[/chroot]) instead of a broker.', descriptor: 'hosts'}),
  }

  async run(): Promise<void> {
    const parsed = this.parseKafka()
    if (!parsed) return
    const {topicOptions} = await import('../tools/topics/topic-options.js')
    let opts
    try {
      opts = topicOptions(parsed)
    } catch (error) {
      // A human at a terminal is asked for what a script would be told is missing.
      const missing = error instanceof ToolError ? 'bootstrap-server' : /"\[topic\]"/.test(String(error)) ? 'topic' : undefined
      if (!missing || !this.interactive) return this.fail(error)
      await this.askOrUsage(parsed, missing, '', missing === 'topic' ? 'Topic name:' : 'Bootstrap server (host:port):')
      try {
        opts = topicOptions(parsed)
      } catch (error2) {
        return this.fail(error2)
      }
    }
    for (const note of opts.notes) this.out(`${note}\n`)
    const {runTopicCommand} = await import('../tools/topics/run-topic-command.js')
    const code = await runTopicCommand(opts, (line) => this.out(`${line}\n`), (line) => this.err(`${line}\n`))
    if (code !== 0) this.exit(code)
  }
}
