// Kafka Connect's REST API on node:http: the same paths, JSON shapes and status codes, errors as
// {"error_code": <status>, "message": "..."}.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {Logger} from '../common/logger.js'
import {CONVERTER_CLASSES} from './converters/index.js'
import {Herder, HerderError} from './herder.js'
import {PREDICATE_CLASSES, TRANSFORM_CLASSES} from './transforms/index.js'
import {validateConnectorConfig} from './validation.js'

export const CONNECT_VERSION = '3.7.0'
const COMMIT = '2ae524ed625438c5'

type Params = Record<string, string>
type Handler = (req: {params: Params; query: URLSearchParams; body: unknown}) => Promise<Reply> | Reply
interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: Handler
}

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = []
  const pattern = new RegExp('^' + path.replace(/\{(\w+)\}/g, (_m, k: string) => (keys.push(k), '([^/]+)')) + '/?$')
  return {method, pattern, keys, handler}
}

const ok = (body: unknown, status = 200): Reply => ({status, body})
const bool = (q: URLSearchParams, k: string) => (q.get(k) ?? 'false').toLowerCase() === 'true'

function configBody(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HerderError(400, 'Request body must be a JSON object of connector configs')
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, v === null ? '' : String(v)]))
}

export class ConnectRestServer {
  private server: Server | null = null
  private readonly routes: Route[]

  constructor(private readonly herder: Herder, private readonly clusterId: () => string, private readonly logger: Logger) {
    const h = herder
    this.routes = [
      route('GET', '/', () => ok({version: CONNECT_VERSION, commit: COMMIT, kafka_cluster_id: this.clusterId()})),
      route('GET', '/connectors', ({query}) => {
        const expand = query.getAll('expand')
        if (expand.length === 0) return ok(h.names())
        return ok(Object.fromEntries(h.names().map((n) => [n, {
          ...(expand.includes('status') ? {status: h.status(n)} : {}),
          ...(expand.includes('info') ? {info: h.info(n)} : {}),
        }])))
      }),
      route('POST', '/connectors', async ({body}) => {
        const b = (body ?? {}) as {name?: unknown; config?: unknown; initial_state?: unknown}
        const name = typeof b.name === 'string' ? b.name.trim() : ''
        const config = configBody(b.config ?? {})
        if (config.name === undefined) config.name = name
        if (config.name !== name) throw new HerderError(400, `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`)
        const state = String(b.initial_state ?? 'RUNNING').toUpperCase()
        if (!['RUNNING', 'PAUSED', 'STOPPED'].includes(state)) throw new HerderError(400, `Invalid initial state ${state}`)
        await h.put(name, config, {replace: false, initialState: state as 'RUNNING'})
        return {status: 201, body: h.info(name), headers: {Location: `/connectors/${encodeURIComponent(name)}`}}
      }),
      route('GET', '/connectors/{name}', ({params}) => ok(h.info(params.name!))),
      route('DELETE', '/connectors/{name}', async ({params}) => (await h.delete(params.name!), {status: 204})),
      route('GET', '/connectors/{name}/config', ({params}) => ok(h.config(params.name!))),
      route('PUT', '/connectors/{name}/config', async ({params, body}) => {
        const config = configBody(body)
        if (config.name !== undefined && config.name !== params.name) {
          throw new HerderError(400, `Connector name configuration (${config.name}) doesn't match connector name in the URL (${params.name})`)
        }
        const created = await h.put(params.name!, {...config, name: params.name!}, {replace: true})
        return {status: created ? 201 : 200, body: h.info(params.name!), ...(created ? {headers: {Location: `/connectors/${encodeURIComponent(params.name!)}`}} : {})}
      }),
      route('GET', '/connectors/{name}/status', ({params}) => ok(h.status(params.name!))),
      route('GET', '/connectors/{name}/tasks', ({params}) => ok(h.taskConfigs(params.name!))),
      route('GET', '/connectors/{name}/tasks/{task}/status', ({params}) => ok(h.taskStatus(params.name!, Number(params.task)))),
      route('POST', '/connectors/{name}/restart', ({params, query}) => {
        const includeTasks = bool(query, 'includeTasks')
        const onlyFailed = bool(query, 'onlyFailed')
        const {plan, done} = h.restart(params.name!, {includeTasks, onlyFailed})
        done.catch((error: Error) => this.logger.error(`Restart of ${params.name} failed: ${error.message}`))
        // Plain restart answers 204; with either flag, 202 and the plan (Kafka 3.0+).
        return includeTasks || onlyFailed ? ok(plan, 202) : {status: 204}
      }),
      route('POST', '/connectors/{name}/tasks/{task}/restart', async ({params}) => (await h.restartTask(params.name!, Number(params.task)), {status: 204})),
      route('PUT', '/connectors/{name}/pause', async ({params}) => (await h.pause(params.name!), {status: 202})),
      route('PUT', '/connectors/{name}/resume', async ({params}) => (await h.resume(params.name!), {status: 202})),
      route('PUT', '/connectors/{name}/stop', async ({params}) => (await h.stop(params.name!), {status: 204})),
      route('GET', '/connectors/{name}/offsets', async ({params}) => ok({offsets: await h.getOffsets(params.name!)})),
      route('PATCH', '/connectors/{name}/offsets', async ({params, body}) => {
        const offsets = (body as {offsets?: unknown})?.offsets
        if (!Array.isArray(offsets) || offsets.length === 0) throw new HerderError(400, 'Partitions / offsets need to be provided for an alter offsets request')
        return ok({message: await h.alterOffsets(params.name!, offsets as {partition: Record<string, unknown>; offset: Record<string, unknown> | null}[])})
      }),
      route('DELETE', '/connectors/{name}/offsets', async ({params}) => ok({message: await h.alterOffsets(params.name!, null)})),
      route('GET', '/connector-plugins', ({query}) => {
        const connectors = h.plugins.list().map((p) => ({class: p.className, type: p.type, version: p.version}))
        if ((query.get('connectorsOnly') ?? 'true').toLowerCase() !== 'false') return ok(connectors)
        const other = (classes: string[], type: string) => classes.map((c) => ({class: c, type, version: CONNECT_VERSION}))
        return ok([...connectors, ...other(TRANSFORM_CLASSES, 'transformation'), ...other(PREDICATE_CLASSES, 'predicate'), ...other(CONVERTER_CLASSES, 'converter')])
      }),
      route('PUT', '/connector-plugins/{plugin}/config/validate', ({params, body}) => {
        const config = configBody(body)
        const plugin = h.plugins.find(params.plugin!)
        if (!plugin) throw new HerderError(400, `Failed to find any class that implements Connector and which name matches ${params.plugin}`)
        if (config['connector.class'] === undefined) config['connector.class'] = plugin.className
        return ok(validateConnectorConfig(plugin, config))
      }),
    ]
  }

  async listen(host: string, port: number): Promise<number> {
    this.server = createServer((req, res) => void this.dispatch(req, res))
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(port, host || undefined, () => resolve())
    })
    return (this.server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((r) => this.server!.close(() => r()))
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const send = (reply: Reply) => {
      const body = reply.body === undefined ? '' : JSON.stringify(reply.body)
      res.writeHead(reply.status, {...(body ? {'Content-Type': 'application/json'} : {}), ...reply.headers})
      res.end(body)
    }
    const fail = (status: number, message: string) => send({status, body: {error_code: status, message}})
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname
    const matching = this.routes.filter((r) => r.pattern.test(path))
    if (matching.length === 0) return fail(404, 'HTTP 404 Not Found')
    const r = matching.find((x) => x.method === req.method)
    if (!r) return fail(405, 'HTTP 405 Method Not Allowed')
    const m = r.pattern.exec(path)!
    const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]))
    let body: unknown
    try {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const text = Buffer.concat(chunks).toString('utf8')
      body = text.trim() ? JSON.parse(text) : undefined
    } catch (error) {
      return fail(400, `Cannot deserialize request body: ${(error as Error).message}`)
    }
    try {
      send(await r.handler({params, query: url.searchParams, body}))
    } catch (error) {
      if (error instanceof HerderError) return fail(error.status, error.message)
      this.logger.error(`Uncaught exception in REST call to ${path}: ${(error as Error).stack}`)
      fail(500, (error as Error).message)
    }
  }
}
