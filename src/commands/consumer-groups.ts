import {KafkaCommand, helpFlag, versionFlag} from '../cli/kafka-command.js'
import {KafkaUsageError, kflag} from '../cli/kafka-options.js'

export default class ConsumerGroups extends KafkaCommand {
  static override summary = 'List, describe, delete consumer groups and reset their offsets.'
  static override usageLine = 'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.'
  static override hiddenAliases = ['kafka-consumer-groups', 'kafka-consumer-groups.sh']
  static override strict = false
  static override description = `Works like Kafka's kafka-consumer-groups.sh (3.7): the same flags, column layouts and messages. Exactly one action (--list, --describe, --delete, --reset-offsets, --delete-offsets) is required. --describe shows offsets and lag (default), --members [--verbose] or --state; lag is the log end offset minus the committed offset. --reset-offsets plans new offsets (--dry-run, the default) or commits them (--execute), only while the group has no active members; --export prints the plan as CSV for --from-file.

As in Kafka, failures while running print "Error: ..." on stdout and still exit 0; usage errors print the message and the option table on stderr and exit 1.

Differences from Kafka: --output table or --output json show --list and --describe as a table or as JSON for humans and programs (the default, kafka, is Kafka's text). Kafka lists reset scenarios and groups in hash order; ktool uses a fixed order. --help exits 0 (Kafka: 1); --version prints ktool's version.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --list --state Stable,Empty',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --describe --group audit --members --verbose',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --reset-offsets --group audit --topic orders:0,1 --to-earliest --execute',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --delete-offsets --group audit --topic orders',
  ]

  static override flags = {
    'all-groups': kflag.flag({description: 'Apply the action to every consumer group.'}),
    'all-topics': kflag.flag({description: 'With --reset-offsets: every partition the group has committed offsets for.'}),
    'bootstrap-server': kflag.value({description: 'REQUIRED: the Kafka server(s) to connect to, host:port[,host:port...].', descriptor: 'server to connect to'}),
    'by-duration': kflag.value({description: 'Reset to the offsets of this long ago, an ISO-8601 duration such as PT1H or P1DT2H.', descriptor: 'duration'}),
    'command-config': kflag.value({description: 'A properties file with settings for the admin client.', descriptor: 'command config property file'}),
    'delete': kflag.flag({description: 'Delete consumer groups (only groups without active members).'}),
    'delete-offsets': kflag.flag({description: 'Delete the committed offsets of a group for the given topics or partitions.'}),
    'describe': kflag.flag({description: 'Describe groups: offsets and lag, members (--members) or state (--state).'}),
    'dry-run': kflag.flag({description: 'Show what --reset-offsets would do without doing it (the default).'}),
    'execute': kflag.flag({description: 'Carry out --reset-offsets.'}),
    'export': kflag.flag({description: 'Print the --reset-offsets plan as CSV (usable with --from-file).'}),
    'from-file': kflag.value({description: 'Reset to the offsets listed in this CSV file (topic,partition,offset or group,topic,partition,offset).', descriptor: 'path to CSV file'}),
    'group': kflag.value({description: 'The consumer group; repeat for several.', descriptor: 'consumer group', multiple: true}),
    'help': helpFlag(),
    'list': kflag.flag({description: 'List all consumer groups.'}),
    'members': kflag.flag({description: 'With --describe: show the members of the group.'}),
    'offsets': kflag.flag({description: 'With --describe: show offsets and lag per partition (the default).'}),
    'output': kflag.value({description: 'ktool only: kafka (Kafka\'s text, the default), table or json, for --list and --describe.', descriptor: 'kafka|table|json'}),
    'reset-offsets': kflag.flag({description: 'Reset the committed offsets of a group (one scenario, one scope).'}),
    'shift-by': kflag.value({description: 'Move each committed offset by this many (negative moves back).', descriptor: 'number-of-offsets', kind: 'long'}),
    'state': kflag.value({description: 'With --describe: show the group state. With --list: show states, optionally only these (comma-separated).', descriptor: 'String', optional: true}),
    'timeout': kflag.value({description: 'How long to wait for the cluster in milliseconds.', descriptor: 'timeout (ms)', kind: 'long', defaultText: '5000'}),
    'to-current': kflag.flag({description: 'Reset to the current committed offsets (the log end where there is none).'}),
    'to-datetime': kflag.value({description: 'Reset to the first offsets at or after this time, yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (UTC if none).', descriptor: 'datetime'}),
    'to-earliest': kflag.flag({description: 'Reset to the earliest offsets.'}),
    'to-latest': kflag.flag({description: 'Reset to the latest offsets.'}),
    'to-offset': kflag.value({description: 'Reset to this offset.', descriptor: 'offset', kind: 'long'}),
    'topic': kflag.value({description: 'A topic (all partitions) or topic:0,1,2 (some partitions); repeat for several.', descriptor: 'topic', multiple: true}),
    'verbose': kflag.flag({description: 'With --describe --members: also show each member\'s partitions.'}),
    'version': versionFlag(),
  }

  async run(): Promise<void> {
    const parsed = this.parseKafka()
    if (!parsed) return
    if (!parsed.has('bootstrap-server') && this.interactive) await this.askOrUsage(parsed, 'bootstrap-server', '', 'Bootstrap server (host:port):')
    const {groupOptions} = await import('../tools/consumer-groups/group-options.js')
    let opts
    try {
      opts = groupOptions(parsed)
    } catch (error) {
      return this.fail(error)
    }
    const {runConsumerGroups} = await import('../tools/consumer-groups/run-consumer-groups.js')
    try {
      const code = await runConsumerGroups(opts, {out: (l) => this.out(`${l}\n`), err: (l) => this.err(`${l}\n`)})
      if (code !== 0) this.exit(code)
    } catch (error) {
      if (error instanceof KafkaUsageError) return this.usageExit(error.message)
      throw error
    }
  }
}
