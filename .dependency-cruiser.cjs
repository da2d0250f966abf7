/**
 * Import rules as code: one `forbidden` rule per row of the table in docs (style.md §3.4, README
 * "Architecture"), plus no-circular. Run with `npm run lint:deps`.
 *
 *   domain  <-  ports  <-  core  <-  http / jobs / bot  <-  main.ts
 *   adapters, store and knowledge implement ports; flows see ports/flow-services only.
 *
 * `to.path` matches resolved paths: our folders (src/…, knowledge/…) and npm packages
 * (node_modules/<name>/… or node_modules/@types/<name>/…).
 */
/** Regex matching any of the given npm packages: resolved (incl. @types) or, if not installed, by name. */
const pkg = (...names) => {
  const alt = names.join('|');
  return `(^|/)node_modules/(@types/)?(${alt})(/|$)|^(${alt})(/|$)`;
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing',
      comment: 'src/domain is pure types and rules: standard library only.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'ports-import-only-domain',
      comment: 'src/ports are interfaces over domain types; never an implementation or a package.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'core-uses-ports-not-frameworks',
      comment:
        'Use cases depend on domain and ports only: no express/bullmq/mongodb/botkit/natural, no adapters, flows or knowledge, and nothing from the outer layers.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        path: [
          pkg('express', 'bullmq', 'ioredis', 'mongodb', 'botkit', 'botbuilder[^/]*', 'natural'),
          '^(adapters|flows|knowledge)/',
          '^src/(http|jobs|bot|store|logging|limits)/',
          '^src/(app|config|main)\\.ts$',
        ],
      },
    },
    {
      name: 'knowledge-stays-pure',
      comment: 'knowledge/ may import src/domain, src/ports/knowledge, natural and zod; not core, http, store, adapters or flows.',
      severity: 'error',
      from: { path: '^knowledge/' },
      to: {
        path: [
          '^src/(core|http|jobs|bot|store|logging)/',
          '^src/ports/(?!knowledge\\.ts$)',
          '^src/(app|config|main)\\.ts$',
          '^(adapters|flows)/',
          pkg('express', 'bullmq', 'ioredis', 'mongodb', 'botkit', 'botbuilder[^/]*'),
        ],
      },
    },
    {
      name: 'flows-see-only-flow-services',
      comment: 'flows/ reach the world only through ports/flow-services: no adapters, store, jobs, http, core or knowledge.',
      severity: 'error',
      from: { path: '^flows/' },
      to: {
        path: [
          '^src/(core|http|jobs|bot|store|logging)/',
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
        path: ['^src/(core|http|jobs|bot|store)/', '^src/(app|config|main)\\.ts$', '^flows/', '^adapters/'],
        pathNot: '^adapters/$1/',
      },
    },
    {
      name: 'store-implements-ports-only',
      comment: 'src/store implements the store ports: not core, flows, adapters or the outer layers.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: ['^src/(core|http|jobs|bot)/', '^src/(app|main)\\.ts$', '^(flows|adapters)/'] },
    },
    {
      name: 'queue-implements-ports-only',
      comment: 'Queue back-ends (BullMQ, in-process) implement ports/queue and import nothing above them.',
      severity: 'error',
      from: { path: '^src/queue/' },
      to: { path: ['^src/(core|http|jobs|bot|store|logging)/', '^src/(app|config|main)\\.ts$', '^(flows|adapters|knowledge)/'] },
    },
    {
      name: 'limits-implement-ports-only',
      comment: 'Limiter implementations (memory, Redis) implement ports/limiter: domain, ports, ioredis and node built-ins only.',
      severity: 'error',
      from: { path: '^src/limits/' },
      to: { pathNot: `^src/(domain|ports|limits)/|${pkg('ioredis')}`, dependencyTypesNot: ['core'] },
    },
    {
      name: 'http-and-jobs-get-implementations-injected',
      comment: 'src/http and src/jobs use core, ports and domain; concrete adapters, stores and the brain are injected, flows never seen.',
      severity: 'error',
      from: { path: '^src/(http|jobs)/' },
      to: { path: ['^(flows|adapters|knowledge)/', '^src/(store|bot|limits)/', '^src/main\\.ts$'] },
    },
    {
      name: 'bot-does-not-touch-adapters-or-store',
      comment: 'src/bot bridges Botkit to core: ports, domain, botkit and flows; never adapters or the store.',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: { path: ['^adapters/', '^src/store/'] },
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
      comment: 'src/main.ts is the composition root.',
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
