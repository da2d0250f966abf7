/**
 * Import rules as code: one `forbidden` rule per row of the table in the README ("Architecture"; style.md
 * §3.4 with the 2026-12 addendum), covering every folder, plus no-circular. Run with `npm run lint:deps`.
 *
 *   domain  <-  ports  <-  core, listeners  <-  http / bot  <-  app.ts, system/ (composition root)  <-  main.ts, cli/
 *   store, queue, limits, live, feeds, adapters and knowledge implement ports; flows see ports/flow-services only.
 *
 * `to.path` matches resolved paths: our folders (src/…, knowledge/…) and npm packages
 * (node_modules/<name>/… or node_modules/@types/<name>/…). A rule with `pathNot` lists what a folder MAY
 * import (everything else is forbidden); node built-ins are always allowed (dependencyTypesNot: core).
 */
/** Regex matching any of the given npm packages: resolved (incl. @types) or, if not installed, by name. */
const pkg = (...names) => {
  const alt = names.join('|');
  return `(^|/)node_modules/(@types/)?(${alt})(/|$)|^(${alt})(/|$)`;
};

/** Only these paths (regex alternatives) and node built-ins. */
const only = (...paths) => ({ pathNot: paths.join('|'), dependencyTypesNot: ['core'] });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing',
      comment: 'src/domain (types, rules, payloads, events, copy) is pure: standard library only.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: only('^src/domain/'),
    },
    {
      name: 'ports-import-only-domain',
      comment: 'src/ports are interfaces over domain types; never an implementation or a package.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: only('^src/(domain|ports)/'),
    },
    {
      name: 'core-uses-ports-not-frameworks',
      comment: 'Use cases depend on domain and ports only: no framework, no adapters, flows, knowledge or outer layers.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: only('^src/(domain|ports|core)/'),
    },
    {
      name: 'listeners-react-through-core',
      comment: 'src/listeners (one reaction to a domain event per file) import like core: core, ports, domain.',
      severity: 'error',
      from: { path: '^src/listeners/' },
      to: only('^src/(domain|ports|core)/'),
    },
    {
      name: 'http-gets-implementations-injected',
      comment: 'src/http routers use core, ports and domain with express and zod; stores, queues, adapters, the brain and flows are injected, never imported.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: only('^src/(domain|ports|core|http)/', pkg('express', 'zod', '@types/express', 'body-parser', 'compression')),
    },
    {
      name: 'bot-bridges-botkit-to-ports',
      comment: 'src/bot bridges Botkit to core: ports, domain, botkit/botbuilder and flows (to register them); never adapters or the store.',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: only('^src/(domain|ports|bot)/', '^flows/', pkg('botkit', 'botbuilder[^/]*', 'botframework[^/]*')),
    },
    {
      name: 'store-repos-over-the-collection-interface',
      comment: 'Each repository is written once over store/collection.ts: the document mapping, the schema, ports and domain; never a driver or an adapter.',
      severity: 'error',
      from: { path: '^src/store/repos/' },
      to: only('^src/(domain|ports)/', '^src/store/(repos/|collection\\.ts|documents\\.ts|schema\\.ts|keyed-mutex\\.ts)'),
    },
    {
      name: 'store-common-files-are-neutral',
      comment: 'The shared store files (collection interface, schema, documents, sort) import no adapter and no driver.',
      severity: 'error',
      from: { path: '^src/store/[^/]+\\.ts$' },
      to: only('^src/(domain|ports)/', '^src/store/[^/]+\\.ts$'),
    },
    {
      name: 'store-adapters-are-isolated',
      comment: 'A store adapter (nedb, mongo, memory, sqlite) implements the collection interface with its own driver; it never imports another adapter.',
      severity: 'error',
      from: { path: '^src/store/(nedb|mongo|memory|sqlite)/' },
      to: { path: '^src/store/(nedb|mongo|memory|sqlite)/', pathNot: '^src/store/$1/' },
    },
    {
      name: 'store-implements-ports-only',
      comment: 'src/store implements the store ports: domain, ports and the drivers; not core, flows, adapters or the outer layers.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: only('^src/(domain|ports|store)/', pkg('mongodb', '@seald-io/nedb', 'sift', 'better-sqlite3')),
    },
    {
      name: 'queue-implements-ports-only',
      comment: 'Queue back-ends (BullMQ, in-process) implement ports/queue and import nothing above them.',
      severity: 'error',
      from: { path: '^src/queue/' },
      to: only('^src/(domain|ports|queue)/', pkg('bullmq', 'ioredis')),
    },
    {
      name: 'limits-implement-ports-only',
      comment: 'Limiter implementations (memory, Redis) implement ports/limiter: domain, ports, ioredis and node built-ins only.',
      severity: 'error',
      from: { path: '^src/limits/' },
      to: only('^src/(domain|ports|limits)/', pkg('ioredis')),
    },
    {
      name: 'live-implements-ports-only',
      comment: 'The operator feed (in process, Redis pub/sub) implements ports/operator-feed: domain, ports, ioredis and node built-ins only.',
      severity: 'error',
      from: { path: '^src/live/' },
      to: only('^src/(domain|ports|live)/', pkg('ioredis')),
    },
    {
      name: 'feeds-implement-ports-only',
      comment: 'The portal feed source (conditional GET, RSS/Atom parsing) implements ports/news-source: domain, ports, fast-xml-parser and node built-ins only.',
      severity: 'error',
      from: { path: '^src/feeds/' },
      to: only('^src/(domain|ports|feeds)/', pkg('fast-xml-parser')),
    },
    {
      name: 'logging-is-a-leaf',
      comment: 'src/logging (pino with PII masking) implements ports/logger; it reads the configuration type and domain helpers only.',
      severity: 'error',
      from: { path: '^src/logging/' },
      to: only('^src/(domain|ports|logging)/', '^src/config\\.ts$', pkg('pino', 'pino-[^/]+')),
    },
    {
      name: 'config-reads-only-the-environment',
      comment: 'src/config.ts is the only reader of process.env (lint:env): zod and the error catalogue, nothing else.',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: only('^src/domain/', pkg('zod')),
    },
    {
      name: 'app-assembles-http',
      comment: 'src/app.ts builds the express app from routers and injected services: http, core/ports/domain types, config; never a store, queue, adapter or the brain.',
      severity: 'error',
      from: { path: '^src/app\\.ts$' },
      to: only('^src/(domain|ports|core|http)/', '^src/config\\.ts$', pkg('express')),
    },
    {
      name: 'composition-root-is-imported-only-by-entry-points',
      comment: 'src/system (the composition root: may import anything) is used by the entry points only: src/main.ts and src/cli.',
      severity: 'error',
      from: { pathNot: '^src/(system/|main\\.ts$|cli/)' },
      to: { path: '^src/system/' },
    },
    {
      name: 'cli-composes-through-system',
      comment: 'src/cli (accounts, ask) are entry points: configuration, logging, the composition root, core, ports, domain and the brain; no http or adapters.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: ['^src/(http|bot|store|queue|limits|live|feeds|listeners)/', '^src/main\\.ts$', '^(adapters|flows)/'] },
    },
    {
      name: 'knowledge-stays-pure',
      comment: 'knowledge/ may import src/domain, src/ports/knowledge, natural and zod; not core, http, store, adapters or flows.',
      severity: 'error',
      from: { path: '^knowledge/' },
      to: {
        path: [
          '^src/(core|http|bot|store|queue|limits|live|feeds|listeners|logging|system|cli)/',
          '^src/ports/(?!knowledge\\.ts$)',
          '^src/(app|config|main)\\.ts$',
          '^(adapters|flows)/',
          pkg('express', 'bullmq', 'ioredis', 'mongodb', 'botkit', 'botbuilder[^/]*'),
        ],
      },
    },
    {
      name: 'flows-see-only-flow-services',
      comment: 'flows/ reach the world only through ports/flow-services: no adapters, store, http, core or knowledge.',
      severity: 'error',
      from: { path: '^flows/' },
      to: {
        path: [
          '^src/(core|http|bot|store|queue|limits|live|feeds|listeners|logging|system|cli)/',
          '^src/ports/(?!flow-services\\.ts$)',
          '^src/(app|config|main)\\.ts$',
          '^(adapters|knowledge)/',
        ],
      },
    },
    {
      name: 'adapters-are-isolated',
      comment: 'A channel adapter imports domain and ports only: not core, flows, store, or another adapter.',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: {
        path: ['^src/(core|http|bot|store|queue|limits|live|feeds|listeners|logging|system|cli)/', '^src/(app|config|main)\\.ts$', '^flows/', '^(adapters|knowledge)/'],
        pathNot: '^adapters/$1/',
      },
    },
    {
      name: 'botkit-only-in-bot-and-flows',
      comment: 'Botkit/Bot Framework are dormant dependencies kept behind one bridge (style.md, botkit.md).',
      severity: 'error',
      from: { pathNot: '^(src/bot|flows)/' },
      to: { path: pkg('botkit', 'botbuilder[^/]*', 'botframework[^/]*') },
    },
    {
      name: 'nothing-imports-main',
      comment: 'src/main.ts is the process entry point.',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'Cycles make load order and layering ambiguous.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
