// Runs one kafka-consumer-groups action and prints it as Kafka 3.7 does. Run-time failures are
// "\nError: ..." on stdout with exit 0 (Kafka's behaviour, reference §5.3); usage problems found
// while running (bad --topic argument, no reset scope, ...) are usage errors with exit 1.
import {clientSettings, loadCommandConfig} from '../../cli/kafka-client.js'
import {KafkaUsageError} from '../../cli/kafka-options.js'
import {Logger} from '../../common/logger.js'
import {AdminClient} from '../admin/admin-client.js'
import {KafkaApiError} from '../admin/types.js'
import {describeJson, deleteOffsetsLines, exportLines, listWithStateLines, memberLines, offsetLines, resetLines, stateLines} from './group-format.js'
import {parseStates, type GroupOptions} from './group-options.js'
import {GroupService, type DescribedGroupResult} from './group-service.js'

export interface GroupIo {
  out(line: string): void
  err(line: string): void
}

async function table(head: string[], rows: string[][]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const t = new Table({head, style: {head: process.env.NO_COLOR || !process.stdout.isTTY ? [] : ['cyan']}})
  t.push(...rows)
  return t.toString()
}

function printState(r: DescribedGroupResult, rows: number, io: GroupIo): boolean {
  switch (r.state) {
    case 'Dead':
      io.out(`\nError: Consumer group '${r.group}' does not exist.`)
      return false
    case 'Empty':
      io.err(`\nConsumer group '${r.group}' has no active members.`)
      break
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      io.err(`\nWarning: Consumer group '${r.group}' is rebalancing.`)
      break
  }
  return rows > 0
}

async function describe(svc: GroupService, o: GroupOptions, io: GroupIo): Promise<void> {
  const ids = [...new Set(await svc.groupIds())].sort()
  const results: DescribedGroupResult[] = []
  for (const g of ids) results.push(await svc.describe(g))
  if (o.output === 'json') return io.out(describeJson(results, o.describe))
  for (const r of results) {
    if (o.describe === 'offsets') {
      if (!printState(r, r.offsets.length, io)) continue
      if (o.output === 'table') {
        io.out(await table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
          r.offsets.map((x) => [x.group, x.topic, String(x.partition), String(x.currentOffset ?? '-'), String(x.logEndOffset ?? '-'), String(x.lag ?? '-'), x.consumerId, x.host, x.clientId])))
      } else for (const l of offsetLines(r.offsets)) io.out(l)
    } else if (o.describe === 'members') {
      if (!printState(r, r.members.length, io)) continue
      if (o.output === 'table') {
        const {assignmentText} = await import('./group-format.js')
        io.out(await table(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
          r.members.map((m) => [m.group, m.consumerId, m.groupInstanceId ?? '', m.host, m.clientId, String(m.partitions.length), assignmentText(m.partitions)])))
      } else for (const l of memberLines(r.members, o.verbose)) io.out(l)
    } else {
      if (!printState(r, 1, io)) continue
      if (o.output === 'table') {
        const s = r.summary
        io.out(await table(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[s.group, s.coordinator, s.assignmentStrategy, s.state, String(s.members)]]))
      } else for (const l of stateLines(r.summary)) io.out(l)
    }
  }
}

export async function runGroupAction(svc: GroupService, o: GroupOptions, io: GroupIo): Promise<void> {
  switch (o.action) {
    case 'list': {
      if (o.listStates === undefined) {
        const groups = await svc.listGroups()
        if (o.output === 'json') return io.out(JSON.stringify(groups.map((g) => g.groupId)))
        for (const g of groups) io.out(g.groupId)
        return
      }
      const states = o.listStates.trim() === '' && o.listStates === '' ? [] : parseStates(o.listStates)
      const rows = await svc.listGroups(states)
      if (o.output === 'json') return io.out(JSON.stringify(rows))
      if (o.output === 'table') return io.out(await table(['GROUP', 'STATE'], rows.map((r) => [r.groupId, r.state])))
      for (const l of listWithStateLines(rows)) io.out(l)
      return
    }
    case 'describe':
      return describe(svc, o, io)
    case 'delete': {
      const {ok, failed} = await svc.deleteGroups()
      const names = (gs: string[]) => gs.map((g) => `'${g}'`).join(', ')
      if (failed.length === 0) return io.out(`Deletion of requested consumer groups (${names(ok)}) was successful.`)
      io.out('\nError: Deletion of some consumer groups failed:')
      for (const f of failed) io.out(`* Group '${f.group}' could not be deleted due to: ${f.error}`)
      if (ok.length > 0) io.out(`\nThese consumer groups were deleted successfully: ${names(ok)}`)
      return
    }
    case 'reset-offsets': {
      const plan = await svc.resetOffsets()
      const lines = o.exportCsv ? exportLines(plan, o.groups.length === 1) : resetLines(plan)
      for (const l of lines) io.out(l)
      return
    }
    case 'delete-offsets': {
      const groupId = o.groups[o.groups.length - 1]!
      const {topLevel, partitions} = await svc.deleteOffsets()
      const messages: Record<number, string> = {
        0: `Request succeed for deleting offsets with topic ${o.topics.join(', ')} group ${groupId}`,
        24: `\nError: '${groupId}' is not valid.`,
        69: `\nError: '${groupId}' does not exist.`,
        30: `\nError: Access to '${groupId}' is not authorized.`,
        68: `\nError: Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`,
        86: '\nError: Encounter some partition level error, see the follow-up details:',
        29: '\nError: Encounter some partition level error, see the follow-up details:',
        3: '\nError: Encounter some partition level error, see the follow-up details:',
      }
      const {errorName} = await import('../admin/errors.js')
      io.out(messages[topLevel] ?? `\nError: Encounter some unknown error: ${errorName(topLevel)}`)
      for (const l of deleteOffsetsLines(partitions)) io.out(l)
      return
    }
  }
}

/** Returns the exit code; usage errors are rethrown for the command to print with the table. */
export async function runConsumerGroups(o: GroupOptions, io: GroupIo): Promise<number> {
  const log = new Logger('kafka.admin.ConsumerGroupCommand$', (l) => io.err(l), 'INFO')
  for (const w of o.warnings) io.err(w)
  let admin: AdminClient | undefined
  try {
    const props = loadCommandConfig(o.commandConfig)
    admin = await AdminClient.connect(clientSettings(o.bootstrapServer, props, {clientId: 'ktool-consumer-groups', requestTimeoutMs: o.timeoutMs}))
    const svc = new GroupService(admin, o, {warn: (l) => log.warn(l), out: (l) => io.out(l)})
    await runGroupAction(svc, o, io)
    return 0
  } catch (error) {
    if (error instanceof KafkaUsageError) throw error
    const e = error as Error
    const text = error instanceof KafkaApiError ? `${error.exceptionClass}: ${e.message}` : e.message
    io.out(`\nError: Executing consumer group command failed due to ${text}`)
    log.error(text)
    return 0
  } finally {
    admin?.close()
  }
}
