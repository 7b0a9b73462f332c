// The handlers: every `NN-name.ts` (or `.js` once built) in this folder default-exports one
// Handler. One file per API key; two files claiming the same key is a programming error.
// ApiVersions (18-api-versions.ts) answers from this registry, so what is advertised is exactly
// what is implemented.
//
// Start-up time: a first Metadata needs ApiVersions and Metadata only, so the other handlers (and
// their codecs, the group coordinator's request glue, ...) load the first time their API is used.
// Until then the registry answers from LAZY_HANDLERS, a static table of their version ranges and
// flexible versions; test/broker/cluster/handler-table.test.ts checks it against the modules, so it
// cannot drift (a handler whose versions change needs its row here changed too). The handlers in
// EAGER_FILES report their own ranges.
import {readdirSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {dirname, join} from 'node:path'
import type {Handler, HandlerCodec, HandlerContext} from './context.js'
import {Reader} from '../../protocol/kafka/reader.js'
import {ProtocolError} from '../../protocol/kafka/protocol-error.js'
import {FrameError} from '../network/connection.js'

const HANDLER_FILE = /^\d{2}-[a-z0-9-]+\.(ts|js)$/

/** Loaded at start: what a first Metadata needs. */
export const EAGER_FILES = ['03-metadata', '18-api-versions'] as const

export interface LazyHandlerEntry {
  apiKey: number
  file: string
  /** The API's name in the generated codecs (ApiMessageType). */
  name: string
  minVersion: number
  maxVersion: number
  requestFlexibleMin: number
  responseFlexibleMin: number
}

// [apiKey, file, name, minVersion, maxVersion, requestFlexibleMin, responseFlexibleMin]
const TABLE: [number, string, string, number, number, number, number][] = [
  [0, '00-produce', 'Produce', 0, 11, 9, 9],
  [1, '01-fetch', 'Fetch', 0, 17, 12, 12],
  [2, '02-list-offsets', 'ListOffsets', 0, 9, 6, 6],
  [8, '08-offset-commit', 'OffsetCommit', 0, 9, 8, 8],
  [9, '09-offset-fetch', 'OffsetFetch', 0, 9, 6, 6],
  [10, '10-find-coordinator', 'FindCoordinator', 0, 6, 3, 3],
  [11, '11-join-group', 'JoinGroup', 0, 9, 6, 6],
  [12, '12-heartbeat', 'Heartbeat', 0, 4, 4, 4],
  [13, '13-leave-group', 'LeaveGroup', 0, 5, 4, 4],
  [14, '14-sync-group', 'SyncGroup', 0, 5, 4, 4],
  [15, '15-describe-groups', 'DescribeGroups', 0, 5, 5, 5],
  [16, '16-list-groups', 'ListGroups', 0, 5, 3, 3],
  [19, '19-create-topics', 'CreateTopics', 0, 7, 5, 5],
  [20, '20-delete-topics', 'DeleteTopics', 0, 6, 4, 4],
  [21, '21-delete-records', 'DeleteRecords', 0, 2, 2, 2],
  [22, '22-init-producer-id', 'InitProducerId', 0, 5, 2, 2],
  [23, '23-offset-for-leader-epoch', 'OffsetForLeaderEpoch', 0, 4, 4, 4],
  [32, '32-describe-configs', 'DescribeConfigs', 0, 4, 4, 4],
  [33, '33-alter-configs', 'AlterConfigs', 0, 2, 2, 2],
  [35, '35-describe-log-dirs', 'DescribeLogDirs', 0, 4, 2, 2],
  [37, '37-create-partitions', 'CreatePartitions', 0, 3, 2, 2],
  [42, '42-delete-groups', 'DeleteGroups', 0, 2, 2, 2],
  [44, '44-incremental-alter-configs', 'IncrementalAlterConfigs', 0, 1, 1, 1],
  [47, '47-offset-delete', 'OffsetDelete', 0, 0, -1, -1],
  [60, '60-describe-cluster', 'DescribeCluster', 0, 1, 0, 0],
]

export const LAZY_HANDLERS: readonly LazyHandlerEntry[] = TABLE.map(([apiKey, file, name, minVersion, maxVersion, requestFlexibleMin, responseFlexibleMin]) => ({apiKey, file, name, minVersion, maxVersion, requestFlexibleMin, responseFlexibleMin}))

export class HandlerRegistry {
  private readonly byKey = new Map<number, Handler>()

  register(handler: Handler, source = '<inline>'): void {
    if (this.byKey.has(handler.apiKey)) throw new Error(`two handlers for API key ${handler.apiKey} (${source})`)
    if (handler.minVersion > handler.maxVersion) throw new Error(`handler ${source}: minVersion > maxVersion`)
    this.byKey.set(handler.apiKey, handler)
  }

  /** Once a lazy handler has loaded, requests go to it directly. */
  replace(handler: Handler): void {
    this.byKey.set(handler.apiKey, handler)
  }

  get(apiKey: number): Handler | undefined {
    return this.byKey.get(apiKey)
  }

  /** [apiKey, minVersion, maxVersion] for every registered handler, by API key. */
  versions(): {apiKey: number; minVersion: number; maxVersion: number}[] {
    return [...this.byKey.values()]
      .map((h) => ({apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion}))
      .sort((a, b) => a.apiKey - b.apiKey)
  }
}

/** A request body kept as bytes until the handler's module (and codec) has loaded. */
class UndecodedRequest {
  constructor(
    readonly buf: Buffer,
    readonly offset: number,
    readonly end: number,
  ) {}
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())
}

/**
 * Stands in for a handler until its first request: advertises the table's versions, keeps the
 * body undecoded, loads the module, decodes with its codec (or the API's generated codec, for
 * handlers that carry none), then hands over and steps aside in the registry.
 */
class LazyHandler implements Handler {
  readonly apiKey: number
  readonly minVersion: number
  readonly maxVersion: number
  readonly codec: HandlerCodec
  private loaded: Promise<{handler: Handler; codec: HandlerCodec}> | undefined

  constructor(
    private readonly entry: LazyHandlerEntry,
    private readonly url: string,
    private readonly registry: HandlerRegistry,
  ) {
    this.apiKey = entry.apiKey
    this.minVersion = entry.minVersion
    this.maxVersion = entry.maxVersion
    this.codec = {
      name: entry.name,
      requestFlexibleMin: entry.requestFlexibleMin,
      responseFlexibleMin: entry.responseFlexibleMin,
      decodeRequest: (r: Reader) => new UndecodedRequest(r.buf, r.offset, r.end),
      encodeResponse: () => {
        throw new Error(`${entry.file}: response encoded before the handler loaded`)
      },
    }
  }

  load(): Promise<{handler: Handler; codec: HandlerCodec}> {
    this.loaded ??= (async () => {
      const handler = checkHandler((await import(/* @vite-ignore */ this.url)) as {default?: Handler}, this.entry.file)
      let codec = handler.codec
      if (!codec) {
        const base = `../../protocol/kafka/generated/${kebab(this.entry.name)}`
        const [req, res] = await Promise.all([import(/* @vite-ignore */ `${base}-request${EXT}`), import(/* @vite-ignore */ `${base}-response${EXT}`)])
        codec = {
          name: this.entry.name,
          requestFlexibleMin: this.entry.requestFlexibleMin,
          responseFlexibleMin: this.entry.responseFlexibleMin,
          decodeRequest: req[`decode${this.entry.name}Request`],
          encodeResponse: res[`encode${this.entry.name}Response`],
        }
      }
      // From now on the dispatcher uses the module's handler with this codec.
      this.registry.replace(handler.codec ? handler : (Object.create(handler, {codec: {value: codec}}) as Handler))
      ;(this.codec as {encodeResponse: HandlerCodec['encodeResponse']}).encodeResponse = codec.encodeResponse
      return {handler, codec}
    })()
    return this.loaded
  }

  async handle(ctx: HandlerContext, request: unknown, version: number): Promise<unknown> {
    const {handler, codec} = await this.load()
    let decoded = request
    if (request instanceof UndecodedRequest) {
      try {
        decoded = codec.decodeRequest(new Reader(request.buf, request.offset, request.end), version)
      } catch (error) {
        if (error instanceof ProtocolError || error instanceof RangeError) {
          throw new FrameError(`error reading ${codec.name} v${version} request (correlation id ${ctx.header.correlationId}): ${error.message}`)
        }
        throw error
      }
    }
    return handler.handle(ctx, decoded, version)
  }
}

function checkHandler(m: {default?: Handler}, file: string): Handler {
  const handler = m.default
  if (!handler || typeof handler.handle !== 'function') throw new Error(`${file} does not default-export a handler`)
  if (Number(file.slice(0, 2)) !== handler.apiKey) throw new Error(`${file} exports a handler for API key ${handler.apiKey}`)
  return handler
}

const HERE = dirname(fileURLToPath(import.meta.url))
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
let loaded: Promise<HandlerRegistry> | undefined

/**
 * The registry, once per process: EAGER_FILES loaded, the others lazily from LAZY_HANDLERS (no
 * directory listing at start). `dir` (tests): every handler file found there, loaded at once.
 */
export function loadHandlers(dir?: string): Promise<HandlerRegistry> {
  if (dir !== undefined && dir !== HERE) return loadAll(dir)
  loaded ??= (async () => {
    const registry = new HandlerRegistry()
    const modules = await Promise.all(EAGER_FILES.map((f) => import(/* @vite-ignore */ `./${f}${EXT}`) as Promise<{default?: Handler}>))
    modules.forEach((m, i) => registry.register(checkHandler(m, EAGER_FILES[i]!), EAGER_FILES[i]))
    for (const e of LAZY_HANDLERS) registry.register(new LazyHandler(e, `./${e.file}${EXT}`, registry), e.file)
    return registry
  })()
  return loaded
}

/** Every handler file in `dir`, loaded now (tests, and the check of LAZY_HANDLERS). */
export async function loadAll(dir = HERE): Promise<HandlerRegistry> {
  const registry = new HandlerRegistry()
  const files = readdirSync(dir).filter((f) => HANDLER_FILE.test(f) && f.endsWith(EXT) && !f.endsWith('.d.ts')).sort()
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(dir, f)).href)))
  modules.forEach((m, i) => registry.register(checkHandler(m as {default?: Handler}, files[i]!), files[i]))
  return registry
}
