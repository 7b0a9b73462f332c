#!/usr/bin/env node
// Build step (after tsc): bundles each server's code into one file with esbuild, which bin/run.js
// runs through vm.Script with a V8 code cache (src/cli/fast-path.ts: loadServer), so that
// `ktool server-start` neither resolves, reads and links 74 ES modules before its first Metadata
// nor compiles them: Node 20 has no compile cache for ES modules (module.enableCompileCache is
// Node 22), but a script's cachedData works. bin/run.js uses a bundle when it is at least as new
// as the tsc output, else the plain dist/ files.
//
//   dist/bundle/run-server.cjs     <- dist/broker/run-server.js and everything it may load
//   dist/bundle/zookeeper-run.cjs  <- dist/zookeeper/run.js and everything it may load
//   dist/bundle/kafka-tools.cjs    <- the Kafka tool commands fast-path.js lists in TOOL_COMMANDS
//                                  (topics, console-producer, console-consumer, consumer-groups,
//                                  dump-log), each loaded lazily, with @oclif/core and the packages
//                                  it requires (not typescript) bundled too: bin/run.js runs
//                                  oclif's execute from it and hands oclif the bundled command
//                                  class (fast-path.ts: runTool), so that a tool neither imports
//                                  @oclif/core's 200-odd CommonJS files as ES-module imports nor
//                                  compiles them. The tools' own packages (kafkajs, cli-table3,
//                                  @inquirer/prompts...) stay external
//   dist/bundle/<name>.cjs.cache   the code cache, written by the server itself about a second
//                                  after it started from the bundle (when there was none, or
//                                  V8 refused it: another node or V8 flags); stamped with the
//                                  bundle's mtime and size, so that it never runs another build.
//                                  A tool writes its cache as the process exits instead
//                                  This script starts each server once (port 0, a temp dir) to
//                                  have it written, so that the first start after a build, or a
//                                  read-only install, has it too
//
// One file per server, CommonJS, no code splitting: every module the server may load is in it,
// once (one registry, one config). A module imported lazily (the handlers other than Metadata and
// ApiVersions, the log, the group coordinator) is still evaluated on first use (esbuild's lazy
// init wrappers), and with the code cache its functions are compiled when first called, as
// before. The two files share modules (the broker embeds the ZooKeeper server) but never run in
// the same process. Node built-ins and npm packages stay external (require from node_modules).
//
// Two things a bundler cannot follow are rewritten in the bundled copy (the dist/ files are
// untouched), found with the TypeScript parser, not by text search:
//   - import.meta.url -> the URL of the module's own dist/ file (so createRequire, file lookups
//     and the handler registry's HERE/EXT answer as they do unbundled);
//   - import(<not a string literal>) (the handler registry's lazy handlers and codecs, the
//     embedded ZooKeeper) -> a lookup in a table of the modules those imports may load, each
//     bundled. Anything else under dist/ is refused with an error naming this script: loading
//     the unbundled file would duplicate module state.
//
// Measured 2026-11-22 on the 2-core VM (15-21 spawns each, alternated, load average 0.5-1.5
// from other work). Broker spawn to first Metadata without NODE_EXTRA_CA_CERTS: 113 ms from this
// bundle with its cache (main-thread CPU 106 ms), 158 ms from dist/ (140); an ES-module bundle
// with code splitting, tried first, gave 132 ms (124), this bundle without its cache 151 (147).
// With NODE_EXTRA_CA_CERTS set, as on this VM (Node reads it before any JS, 60-80 ms): 163-192 ms
// against 176-240 (bench/broker.mjs --startup-only). zookeeper-start to first imok: 133-145 ms
// against 160-183 (bench/zookeeper.mjs --startup-only).
// The tools bundle, measured 2026-11-22 (bench/cli-startup.mjs, medians of 15 alternated spawns,
// load average 0.3-0.6): `topics --list` against a running broker 206 ms against 382 from dist/
// through plain oclif, `console-producer` with one line on stdin 215 against 416; without
// NODE_EXTRA_CA_CERTS 127 against 303 and 133 against 317 (node -e '' 34).
import {build} from 'esbuild'
import ts from 'typescript'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {tmpdir} from 'node:os'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const outdir = join(dist, 'bundle')
const toPosix = (p) => p.split(sep).join('/')

const ENTRIES = {'run-server': 'broker/run-server.js', 'zookeeper-run': 'zookeeper/run.js'}
// The Kafka tool commands bundled with @oclif/core (and the packages it requires) for
// src/cli/fast-path.ts (runTool): a generated entry exporting oclif's Config and execute and a
// lazy loader per command (the commands fast-path.js lists in TOOL_COMMANDS).
const TOOLS = 'kafka-tools'
const TOOLS_ENTRY = 'ktool-bundle:tools-entry'
// The non-literal imports the tools may make (src/cli/kafka-codecs.ts).
const TOOLS_TARGETS = ['protocol/kafka/records/kafkajs-codecs.js']
// The bundle's own URL: a parameter of the function src/cli/fast-path.ts wraps the bundle in.
const BUNDLE_URL = '__ktoolBundleUrl'

/** What the non-literal dynamic imports may load: the handler registry's tables, the ZooKeeper server. */
async function dynamicTargets() {
  const {EAGER_FILES, LAZY_HANDLERS} = await import(pathToFileURL(join(dist, 'broker/handlers/registry.js')).href)
  const kebab = (name) => name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())
  const files = [...EAGER_FILES.map((f) => `broker/handlers/${f}.js`), ...LAZY_HANDLERS.map((e) => `broker/handlers/${e.file}.js`)]
  for (const e of LAZY_HANDLERS) for (const part of ['request', 'response']) files.push(`protocol/kafka/generated/${kebab(e.name)}-${part}.js`)
  files.push('zookeeper/server.js')
  const missing = files.filter((f) => !existsSync(join(dist, f)))
  // A handler that carries its own codec has no generated pair to load; the handlers must exist.
  const fatal = missing.filter((f) => !f.startsWith('protocol/kafka/generated/'))
  if (fatal.length) throw new Error(`bundle-servers: missing ${fatal.join(', ')} (run tsc first)`)
  return files.filter((f) => !missing.includes(f))
}

const HELPER = 'ktool-bundle:dynamic-import'

/** The tools bundle's entry: oclif's loader and runner, and each command's module, loaded lazily. */
async function toolsEntrySource() {
  const {TOOL_COMMANDS} = await import(pathToFileURL(join(dist, 'cli/fast-path.js')).href)
  const ids = [...new Set(Object.values(TOOL_COMMANDS))]
  for (const id of ids) if (!existsSync(join(dist, 'commands', `${id}.js`))) throw new Error(`bundle-servers: missing dist/commands/${id}.js (run tsc first)`)
  const rows = ids.map((id) => `  ${JSON.stringify(id)}: () => import(${JSON.stringify(join(dist, 'commands', `${id}.js`))}),`).join('\n')
  return `// generated by scripts/bundle-servers.mjs
export {Config, execute} from '@oclif/core'
export const commands = {
${rows}
}
`
}

function helperSource(targets) {
  const rows = targets.map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(join(dist, f))}),`).join('\n')
  return `// generated by scripts/bundle-servers.mjs
import {fileURLToPath} from 'node:url'
// The bundle is in dist/bundle/, so dist/ is one level up.
const DIST = new URL('../', ${BUNDLE_URL}).href
const MODULES = {
${rows}
}
export function bundledImport(spec, from) {
  spec = String(spec)
  let url
  if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) url = new URL(spec, from).href
  else if (URL.canParse(spec)) url = spec // file:, node:, data: ...
  else return import(spec) // a package name: resolved from node_modules as usual
  // (import() is a require in the bundle, and require takes a path, not a file: URL.)
  if (!url.startsWith(DIST)) return import(url.startsWith('file:') ? fileURLToPath(url) : url)
  const load = MODULES[url.slice(DIST.length)]
  if (load) return load()
  return Promise.reject(Object.assign(new Error(\`Cannot load \${url} from the servers' bundle: not among the modules scripts/bundle-servers.mjs bundles for dynamic imports\`), {code: 'ERR_MODULE_NOT_FOUND'}))
}
`
}

const NON_ASCII = /[^\x00-\x7f]/

/**
 * The source with non-ASCII characters in its comments replaced by '?': esbuild (charset ascii)
 * escapes them everywhere else but keeps comments as they are, and an ASCII bundle is read as a
 * one-byte string (latin1), several ms faster than decoding UTF-8 (src/cli/fast-path.ts). The
 * comments are found by the TypeScript parser: nothing else is touched.
 */
function asciiComments(file, source) {
  if (!NON_ASCII.test(source)) return source
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS)
  const ranges = new Map()
  const collect = (list) => list?.forEach((r) => ranges.set(r.pos, r.end))
  const visit = (node) => {
    collect(ts.getLeadingCommentRanges(source, node.getFullStart()))
    collect(ts.getTrailingCommentRanges(source, node.getEnd()))
    for (const child of node.getChildren(sf)) visit(child)
  }
  visit(sf)
  let out = source
  for (const [pos, end] of ranges) out = out.slice(0, pos) + out.slice(pos, end).replace(/[^\x00-\x7f]/g, '?') + out.slice(end)
  return out
}

/**
 * A package's source with the non-ASCII characters of its regular expression literals written as
 * \\u escapes (the same pattern, with or without the u flag), which esbuild's charset ascii leaves
 * as they are (ansis, under @oclif/core, has one), and those of its comments as '?'.
 */
function asciiPackage(file, source) {
  source = asciiComments(file, source)
  if (!NON_ASCII.test(source)) return source
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS)
  const edits = []
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && NON_ASCII.test(node.getText(sf))) {
      const text = node.getText(sf).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      edits.push({start: node.getStart(sf), end: node.getEnd(), text})
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  let out = source
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return out
}

/** The bundled copy of one dist/ module: import.meta.url and non-literal import() rewritten. */
function rewrite(file, source, helper) {
  source = asciiComments(file, source)
  if (!source.includes('import')) return source
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS)
  const edits = []
  let dynamic = false
  let meta = false
  const visit = (node) => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      const parent = node.parent
      if (!(ts.isPropertyAccessExpression(parent) && parent.name.text === 'url')) {
        throw new Error(`bundle-servers: ${relative(root, file)}: import.meta other than import.meta.url is not supported by the bundle`)
      }
      edits.push({start: parent.getStart(sf), end: parent.getEnd(), text: '__ktoolModuleUrl'})
      meta = true
      return
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0]
      if (!arg || !(ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) || node.arguments.length > 1) {
        // `import(` (keyword and parenthesis) becomes `__ktoolImport(__ktoolModuleUrl, `
        edits.push({start: node.expression.getStart(sf), end: node.arguments.pos, text: '__ktoolImport(__ktoolModuleUrl, '})
        dynamic = true
        meta = true
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  if (!edits.length) return source
  let out = source
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  const head = []
  if (dynamic) head.push(`import {bundledImport as __ktoolImportFrom} from '${helper}';`, 'const __ktoolImport = (from, spec) => __ktoolImportFrom(spec, from);')
  if (meta) head.push(`const __ktoolModuleUrl = new URL(${JSON.stringify(toPosix(relative(outdir, file)))}, ${BUNDLE_URL}).href;`)
  return head.join(' ') + '\n' + out
}

const nodeModules = join(root, 'node_modules')

const rewritePlugin = (targets, {entry, bundlePackages} = {}) => ({
  name: 'ktool-rewrite',
  setup(b) {
    b.onResolve({filter: /^ktool-bundle:/}, (args) => ({path: args.path, namespace: 'ktool-bundle'}))
    b.onResolve({filter: /^\//, namespace: 'ktool-bundle'}, (args) => ({path: args.path}))
    b.onLoad({filter: /.*/, namespace: 'ktool-bundle'}, async (args) => ({contents: args.path === TOOLS_ENTRY ? entry : helperSource(targets), loader: 'js', resolveDir: outdir}))
    b.onLoad({filter: /\.js$/}, (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined
      return {contents: rewrite(args.path, readFileSync(args.path, 'utf8'), HELPER), loader: 'js'}
    })
    if (!bundlePackages) return
    // The packages bundlePackages names, and whatever they require in turn, are bundled; any
    // other package a dist/ module imports stays external.
    b.onResolve({filter: /^[^./]/}, (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('ktool-bundle:')) return undefined
      // oclif requires typescript (10 MB) only to run a plugin from its .ts sources: never here.
      if (args.path === 'typescript') return {path: args.path, external: true}
      if (bundlePackages.some((p) => args.path === p || args.path.startsWith(`${p}/`)) || args.importer.startsWith(nodeModules + sep)) return undefined
      return {path: args.path, external: true}
    })
    // A bundled package's __dirname and __filename name its own file in node_modules, as unbundled.
    b.onLoad({filter: /\.c?js$/}, (args) => {
      if (!args.path.startsWith(nodeModules + sep)) return undefined
      const source = asciiPackage(args.path, readFileSync(args.path, 'utf8'))
      if (!/__dirname|__filename/.test(source)) return {contents: source, loader: 'js'}
      const rel = JSON.stringify(toPosix(relative(outdir, args.path)))
      const head = `var __filename = require('node:url').fileURLToPath(new URL(${rel}, ${BUNDLE_URL})), __dirname = require('node:path').dirname(__filename);`
      return {contents: head + source, loader: 'js'}
    })
  },
})

const started = Date.now()
// Made first: the bundles' own imports (@oclif/core in the tools entry) resolve from this folder,
// and esbuild finds no node_modules above a folder that does not exist yet (a fresh clone).
mkdirSync(outdir, {recursive: true})
const targets = await dynamicTargets()
const toolsEntry = await toolsEntrySource()
const builds = [
  ...Object.entries(ENTRIES).map(([name, f]) => ({name, entry: join(dist, f), packages: 'external', plugins: [rewritePlugin(targets)]})),
  {name: TOOLS, entry: TOOLS_ENTRY, plugins: [rewritePlugin(TOOLS_TARGETS, {entry: toolsEntry, bundlePackages: ['@oclif/core']})]},
]
const results = await Promise.all(builds.map(({name, entry, packages, plugins}) => build({
  entryPoints: {[name]: entry},
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  ...(packages ? {packages} : {}),
  // import() of a package or built-in becomes a require (a vm.Script has no module loader of its
  // own); of a bundled module, its lazy init.
  supported: {'dynamic-import': false},
  charset: 'ascii',
  // Not minified: with the code cache V8 does not parse it at start, and a stack trace's line in
  // the bundle reads as the dist/ module it came from (esbuild marks each one). Node applies no
  // source map to a vm.Script; KTOOL_NO_BUNDLE=1 runs from dist/.
  outExtension: {'.js': '.cjs'},
  metafile: true,
  write: false,
  logLevel: 'warning',
  plugins,
})))

// Checks: the outputs directly in dist/bundle/ (the rewritten URLs assume it), nothing imported
// from outside the bundle but packages and built-ins.
let modules = 0
for (const result of results) {
  for (const [out, info] of Object.entries(result.metafile.outputs)) {
    if (dirname(join(root, out)) !== outdir) throw new Error(`bundle-servers: ${out} is not directly in dist/bundle`)
    modules = Math.max(modules, Object.keys(info.inputs).length)
    for (const imp of info.imports) {
      if (imp.external && /^[./]/.test(imp.path)) throw new Error(`bundle-servers: ${out} imports ${imp.path} from outside the bundle`)
    }
  }
}
const outputFiles = results.flatMap((r) => r.outputFiles)
for (const f of outputFiles) {
  if (f.path.endsWith('.cjs') && NON_ASCII.test(f.text)) process.stderr.write(`bundle-servers: warning: ${relative(root, f.path)} is not ASCII: read as UTF-8, more slowly\n`)
}
// Written in place, each file atomically (a new file renamed over the old): a server starting
// from the bundle meanwhile reads either build, never half a file. An unchanged file is touched
// instead: bin/run.js takes the bundle only when it is newer than the tsc output, and a code
// cache only when it was made from the bundle's current mtime and size. Files no build writes any
// more are removed once 10 minutes old: a server started from them may still be reading them.
const written = new Set()
let changed = 0
const now = new Date()
for (const f of outputFiles) {
  written.add(f.path)
  if (existsSync(f.path) && Buffer.compare(readFileSync(f.path), f.contents) === 0) {
    utimesSync(f.path, now, now)
    continue
  }
  const tmp = `${f.path}.tmp-${process.pid}`
  writeFileSync(tmp, f.contents)
  renameSync(tmp, f.path)
  changed++
}
for (const name of readdirSync(outdir)) {
  const file = join(outdir, name)
  const mine = written.has(file) || (name.endsWith('.cjs.cache') && written.has(file.slice(0, -'.cache'.length)))
  if (!mine && Date.now() - statSync(file).mtimeMs > 10 * 60_000) unlinkSync(file)
}
const size = outputFiles.filter((f) => f.path.endsWith('.cjs')).reduce((n, f) => n + f.contents.length, 0)
process.stderr.write(`bundle-servers: ${builds.length} bundles in dist/bundle (up to ${modules} modules each, ${(size / 1024).toFixed(0)} KB, ${changed} files written, ${Date.now() - started} ms)\n`)

// Each server started once from its new bundle (port 0, a temp dir), so that it writes its code
// cache; stopped once the cache carries the bundle's stamp. A failure only costs the first start.
async function warm(name, args) {
  const bundle = join(outdir, `${name}.cjs`)
  const stamped = () => {
    try {
      const cache = readFileSync(`${bundle}.cache`)
      const {mtimeMs, size} = statSync(bundle)
      return cache.length > 16 && cache.readDoubleLE(0) === mtimeMs && cache.readDoubleLE(8) === size
    } catch {
      return false
    }
  }
  if (stamped()) return 'current'
  const tmp = mkdtempSync(join(tmpdir(), 'ktool-bundle-'))
  const env = {...process.env, NODE_ENV: 'production'}
  delete env.KTOOL_NO_BUNDLE
  const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args(tmp)], {env, stdio: 'ignore'})
  try {
    for (let i = 0; i < 100 && child.exitCode === null && !stamped(); i++) await new Promise((r) => setTimeout(r, 100))
    return stamped() ? 'written' : 'not written'
  } finally {
    const exited = new Promise((r) => (child.exitCode === null ? child.on('exit', r) : r()))
    child.kill('SIGTERM')
    await exited
    rmSync(tmp, {recursive: true, force: true})
  }
}

const warmed = await Promise.all([
  warm('run-server', (tmp) => ['server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${join(tmp, 'logs')}`, '--override', 'ktool.zookeeper.port=0']),
  warm('zookeeper-run', (tmp) => {
    writeFileSync(join(tmp, 'zookeeper.properties'), `dataDir=${join(tmp, 'zk')}\nclientPort=0\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n`)
    return ['zookeeper-start', join(tmp, 'zookeeper.properties')]
  }),
  // A tool writes the cache as it exits: `topics` without arguments (the usage text, exit 1)
  // loads oclif's Config and runs a command without the network.
  warm(TOOLS, () => ['topics']),
])
process.stderr.write(`bundle-servers: code caches: broker ${warmed[0]}, zookeeper ${warmed[1]}, tools ${warmed[2]}\n`)
