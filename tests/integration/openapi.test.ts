import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { updateTicket } from '../../src/core/tickets.js';
import { conversationKey } from '../../src/domain/message.js';
import { recordReminder, type Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';
import { waitFor } from './system-harness.js';

/**
 * docs/openapi.yaml against the code it documents:
 *
 *  1. the document is a structurally valid OpenAPI 3.x document (every $ref resolves, every operation
 *     has responses, every path parameter is declared, every schema is valid JSON Schema 2020-12);
 *  2. the (method, path) pairs the express app serves under /api/v1 (its router stack, walked) are
 *     exactly the documented operations, and every documented operation, probed over HTTP on the real
 *     system, answers something other than 404 HTTP.NOT_FOUND;
 *  3. real responses (every probe, and the inbox list, ticket detail, ticket lookup, statistics, public
 *     Q&A, auth/me, publishing and error responses with data that fills the optional fields) have a
 *     documented status and validate against the documented schema (ajv), and carry no property the
 *     schema does not name.
 *
 * The system runs in embedded mode (nedb in a temp dir, in-process queues) on an ephemeral port.
 */

const OPENAPI_FILE = new URL('../../docs/openapi.yaml', import.meta.url);
const API_PREFIX = '/api/v1';
/** The liveness and readiness probes, documented beside the API. */
const PROBE_PATHS = ['/healthz', '/readyz'];
/** Public JSON routes documented beside the API: the portal page's Web Push subscriptions. */
const PUBLIC_PREFIXES = ['/tin-tuc/web-push/'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PASSWORD = 'mật khẩu thử nghiệm openapi';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const doc = parseYaml(readFileSync(OPENAPI_FILE, 'utf8')) as JsonObject;

/* ------------------------------------------------------------------------------------------------ */
/* The document                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const pointerOf = (...segments: string[]): string => segments.map((s) => `/${escapePointer(s)}`).join('');

/** The node a local JSON pointer (`/components/schemas/X`) names, or undefined. */
function atPointer(pointer: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const segment of pointer.split('/').slice(1).map(unescapePointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

/** Follows `$ref`s (local only) from `node` at `pointer`: the target and where it is. */
function deref(node: Json | undefined, pointer: string): { node: Json | undefined; pointer: string } {
  const seen = new Set<string>();
  while (isObject(node) && typeof node['$ref'] === 'string') {
    const ref = node['$ref'];
    if (!ref.startsWith('#/') && ref !== '#') throw new Error(`${pointer}: only local $refs are supported (${ref})`);
    if (seen.has(ref)) throw new Error(`${pointer}: $ref cycle through ${ref}`);
    seen.add(ref);
    pointer = decodeURIComponent(ref.slice(1));
    node = atPointer(pointer);
  }
  return { node, pointer };
}

/** Every `$ref` in the document, with where it is. */
function allRefs(node: Json, pointer = ''): Array<{ at: string; ref: Json }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => allRefs(item, `${pointer}/${i}`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' ? [{ at: pointer, ref: value }] : allRefs(value, `${pointer}/${escapePointer(key)}`),
  );
}

interface Operation {
  method: string;
  path: string;
  pointer: string;
  operation: JsonObject;
  pathItem: JsonObject;
}

function operations(): Operation[] {
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  return Object.entries(paths).flatMap(([path, item]) => {
    const pathItem = isObject(item) ? item : {};
    return HTTP_METHODS.filter((m) => isObject(pathItem[m])).map((m) => ({
      method: m.toUpperCase(),
      path,
      pointer: pointerOf('paths', path, m),
      operation: pathItem[m] as JsonObject,
      pathItem,
    }));
  });
}

/** Everything that makes the document an invalid (or dangling) OpenAPI 3.x document. */
function structuralProblems(): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where || '/'}: ${what}`);

  if (typeof doc['openapi'] !== 'string' || !/^3\.\d+\.\d+$/.test(doc['openapi'])) problem('/openapi', `not an OpenAPI 3.x version: ${String(doc['openapi'])}`);
  const info = doc['info'];
  if (!isObject(info) || typeof info['title'] !== 'string' || typeof info['version'] !== 'string') problem('/info', 'needs string title and version');
  if (!isObject(doc['paths'])) problem('/paths', 'missing');

  for (const { at, ref } of allRefs(doc)) {
    if (typeof ref !== 'string') problem(at, '$ref is not a string');
    else if (!ref.startsWith('#/')) problem(at, `non-local $ref ${ref}`);
    else if (atPointer(decodeURIComponent(ref.slice(1))) === undefined) problem(at, `$ref ${ref} does not resolve`);
  }
  if (problems.length > 0) return problems; // the checks below follow refs

  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemes = isObject(components['securitySchemes']) ? components['securitySchemes'] : {};
  const declaredTags = new Set((Array.isArray(doc['tags']) ? doc['tags'] : []).map((t) => (isObject(t) ? t['name'] : undefined)));
  const operationIds = new Set<string>();
  const templates = new Map<string, string>();

  const checkSecurity = (where: string, security: Json | undefined) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return problem(where, 'security is not an array');
    security.forEach((requirement, i) => {
      if (!isObject(requirement)) return problem(`${where}/${i}`, 'security requirement is not an object');
      for (const name of Object.keys(requirement)) if (!isObject(schemes[name])) problem(`${where}/${i}`, `unknown security scheme ${name}`);
    });
  };
  checkSecurity('/security', doc['security']);

  /** Parameters as {name, in}, resolved; problems for malformed ones. */
  const parametersAt = (where: string, list: Json | undefined): Array<{ name: string; in: string; required: boolean }> => {
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      problem(where, 'parameters is not an array');
      return [];
    }
    const out: Array<{ name: string; in: string; required: boolean }> = [];
    list.forEach((raw, i) => {
      const { node } = deref(raw, `${where}/${i}`);
      if (!isObject(node) || typeof node['name'] !== 'string' || !['query', 'header', 'path', 'cookie'].includes(String(node['in']))) {
        return problem(`${where}/${i}`, 'a parameter needs a name and in: query, header, path or cookie');
      }
      if (node['schema'] === undefined && node['content'] === undefined) problem(`${where}/${i}`, `parameter ${node['name']} has neither schema nor content`);
      if (node['in'] === 'path' && node['required'] !== true) problem(`${where}/${i}`, `path parameter ${node['name']} must be required: true`);
      if (out.some((p) => p.name === node['name'] && p.in === node['in'])) problem(`${where}/${i}`, `parameter ${node['name']} (${node['in']}) declared twice`);
      out.push({ name: node['name'], in: String(node['in']), required: node['required'] === true });
    });
    return out;
  };

  for (const [path, item] of Object.entries(isObject(doc['paths']) ? doc['paths'] : {})) {
    const where = pointerOf('paths', path);
    if (!path.startsWith('/')) problem(where, 'path does not start with /');
    if (!isObject(item)) {
      problem(where, 'path item is not an object');
      continue;
    }
    const shape = path.replace(/\{[^}]*\}/g, '{}');
    if (templates.has(shape)) problem(where, `same template as ${templates.get(shape)}`);
    templates.set(shape, path);
    for (const key of Object.keys(item)) {
      if (!['summary', 'description', 'servers', 'parameters', '$ref', ...HTTP_METHODS].includes(key) && !key.startsWith('x-')) problem(`${where}/${key}`, 'unknown path item field');
    }
    const templateParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const common = parametersAt(`${where}/parameters`, item['parameters']);
    const methods = HTTP_METHODS.filter((m) => item[m] !== undefined);
    if (methods.length === 0) problem(where, 'no operation');

    for (const method of methods) {
      const opWhere = `${where}/${method}`;
      const op = item[method];
      if (!isObject(op)) {
        problem(opWhere, 'operation is not an object');
        continue;
      }
      const own = parametersAt(`${opWhere}/parameters`, op['parameters']);
      const all = [...own, ...common.filter((c) => !own.some((o) => o.name === c.name && o.in === c.in))];
      for (const name of templateParams) if (!all.some((p) => p.in === 'path' && p.name === name)) problem(opWhere, `path parameter {${name}} is not declared`);
      for (const p of all) if (p.in === 'path' && !templateParams.includes(p.name)) problem(opWhere, `path parameter ${p.name} is not in the path`);

      if (typeof op['operationId'] === 'string') {
        if (operationIds.has(op['operationId'])) problem(opWhere, `duplicate operationId ${op['operationId']}`);
        operationIds.add(op['operationId']);
      }
      for (const tag of Array.isArray(op['tags']) ? op['tags'] : []) if (!declaredTags.has(tag)) problem(opWhere, `tag ${String(tag)} is not declared in /tags`);
      checkSecurity(`${opWhere}/security`, op['security']);

      if (op['requestBody'] !== undefined) {
        const { node: body } = deref(op['requestBody'], `${opWhere}/requestBody`);
        if (!isObject(body) || !isObject(body['content']) || Object.keys(body['content']).length === 0) problem(`${opWhere}/requestBody`, 'needs content');
      }

      const responses = op['responses'];
      if (!isObject(responses) || Object.keys(responses).length === 0) {
        problem(opWhere, 'has no responses');
        continue;
      }
      for (const [status, raw] of Object.entries(responses)) {
        const rWhere = `${opWhere}/responses/${status}`;
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problem(rWhere, 'not an HTTP status code, a range or default');
        const { node: response } = deref(raw, rWhere);
        if (!isObject(response) || typeof response['description'] !== 'string') {
          problem(rWhere, 'a response needs a description');
          continue;
        }
        if (response['content'] !== undefined) {
          if (!isObject(response['content'])) problem(rWhere, 'content is not an object');
          else for (const [type, media] of Object.entries(response['content'])) if (!isObject(media)) problem(`${rWhere}/content/${type}`, 'media type is not an object');
        }
      }
    }
  }
  return problems;
}

/** Every schema object in the document (components and inline), with where it is. */
function allSchemas(): Array<{ at: string; schema: Json }> {
  const found: Array<{ at: string; schema: Json }> = [];
  const visit = (node: Json, pointer: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${pointer}/${i}`));
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const at = `${pointer}/${escapePointer(key)}`;
        // `schema` of parameters, media types and headers; every entry of components/schemas.
        if (key === 'schema' && !pointer.startsWith('/components/schemas')) found.push({ at, schema: value });
        else if (pointer === '/components/schemas') found.push({ at, schema: value });
        else visit(value, at);
      }
    }
  };
  visit(doc, '');
  return found;
}

/* ------------------------------------------------------------------------------------------------ */
/* Schema validation (ajv, JSON Schema 2020-12 = OpenAPI 3.1's dialect)                             */
/* ------------------------------------------------------------------------------------------------ */

const DOC_ID = 'urn:tro-ly-1022:openapi';
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormatsPlugin.default(ajv);
ajv.addFormat('password', true); // an OpenAPI UI hint, no constraint
ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']); // OpenAPI's annotation keywords
// The whole document as one resource, so `#/components/...` refs resolve; schemas are reached by pointer.
// Its top-level fields are no JSON Schema keywords: declared as annotations, so strict mode accepts the root.
ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
ajv.addSchema(structuredClone(doc), DOC_ID, undefined, false);

const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    const fragment = pointer.split('/').map(encodeURIComponent).join('/');
    validate = ajv.getSchema(`${DOC_ID}#${fragment}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    validators.set(pointer, validate);
  }
  return validate;
}

/**
 * Properties of `data` that the schema at `pointer` never names (objects without additionalProperties):
 * a response field the document forgot. Follows $ref, allOf, and the oneOf/anyOf branches whose type
 * fits the value.
 */
function undocumentedProperties(schemaNode: Json | undefined, schemaPointer: string, data: unknown, dataPath = ''): string[] {
  const branches = flatten(schemaNode, schemaPointer, data);
  if (branches.length === 0) return [];
  if (Array.isArray(data)) {
    const items = branches.filter((b) => b.node['items'] !== undefined);
    return data.flatMap((element, i) => items.flatMap((b) => undocumentedProperties(b.node['items'], `${b.pointer}/items`, element, `${dataPath}/${i}`)));
  }
  if (!isObject(data as Json)) return [];
  const object = data as JsonObject;
  if (branches.some((b) => b.node['additionalProperties'] !== undefined && b.node['additionalProperties'] !== false)) return [];
  if (branches.some((b) => b.node['patternProperties'] !== undefined || b.node['unevaluatedProperties'] !== undefined)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    const named = branches.filter((b) => isObject(b.node['properties']) && Object.hasOwn(b.node['properties'], key));
    if (named.length === 0) out.push(`${dataPath}/${key}`);
    for (const b of named) out.push(...undocumentedProperties((b.node['properties'] as JsonObject)[key], `${b.pointer}/properties/${escapePointer(key)}`, value, `${dataPath}/${key}`));
  }
  return [...new Set(out)];
}

/** The schema objects that apply to `data` at this level: refs followed, allOf merged, fitting oneOf/anyOf branches. */
function flatten(schemaNode: Json | undefined, pointer: string, data: unknown): Array<{ node: JsonObject; pointer: string }> {
  const { node, pointer: at } = deref(schemaNode, pointer);
  if (!isObject(node)) return [];
  const out = [{ node, pointer: at }];
  if (Array.isArray(node['allOf'])) node['allOf'].forEach((sub, i) => out.push(...flatten(sub, `${at}/allOf/${i}`, data)));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = node[key];
    if (!Array.isArray(list)) continue;
    list.forEach((sub, i) => {
      if (validatorAt(`${at}/${key}/${i}`)(data)) out.push(...flatten(sub, `${at}/${key}/${i}`, data));
    });
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------ */
/* The served routes                                                                                */
/* ------------------------------------------------------------------------------------------------ */

interface LayerLike {
  rawPath?: unknown;
  handle?: { stack?: unknown };
  route?: { methods?: Record<string, boolean> };
}

/**
 * `METHOD /path` for every route the app's router stack holds under /api/v1, express path syntax turned
 * into OpenAPI templates (`:id` → `{id}`). Walks express 5's router (router 2.x): layers keep the path
 * they were registered with in `rawPath`; a mounted router is a layer whose handle has its own `stack`.
 * Plain middleware (session checks, body parsers, the lookup's CORS preflight) is not a route.
 */
function servedRoutes(app: Express): Set<string> {
  const served = new Set<string>();
  const root = (app as unknown as { router?: { stack?: unknown } }).router;
  if (!root || !Array.isArray(root.stack)) throw new Error('express internals changed: app.router.stack is not an array');

  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      const raw = layer.rawPath;
      const paths = Array.isArray(raw) ? raw : [raw];
      if (!paths.every((p) => typeof p === 'string' || p instanceof RegExp)) throw new Error('express internals changed: a router layer has no rawPath');
      for (const p of paths as Array<string | RegExp>) {
        const full = typeof p === 'string' ? prefix + (p === '/' ? '' : p) : `${prefix}${String(p)}`;
        if (layer.route) {
          const methods = Object.keys(layer.route.methods ?? {}).filter((m) => layer.route!.methods![m]);
          for (const m of methods) served.add(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${full || '/'}`);
        } else if (layer.handle && Array.isArray(layer.handle.stack)) {
          walk(layer.handle.stack as LayerLike[], full);
        }
      }
    }
  };
  walk(root.stack as LayerLike[], '');
  const api = [...served].filter((r) => {
    const path = r.slice(r.indexOf(' ') + 1);
    return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || PROBE_PATHS.includes(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
  });
  return new Set(api.map((r) => r.replace(/:(\w+)/g, '{$1}')));
}

/* ------------------------------------------------------------------------------------------------ */
/* The system                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

const NAME = 'Trần Văn Bình';
const PHONE = '0912 345 678';
const LAST4 = '5678';
const REOPEN_REASON = 'Chưa rõ cần bản sao hay bản chính giấy chứng sinh';

let dataDir: string;
let system: RunningSystem;
let base: string;
let coordinator: ConsoleSignIn;
let staff: ConsoleSignIn;
/** Question with phone and callback, answered, delivered, published; later reopened and reminded. */
let answered: Ticket;
/** Feedback with a place, asked in a widget session. */
let feedback: Ticket;
let widgetToken: string;

interface Call {
  method: string;
  /** The documented path template, e.g. /api/v1/inbox/tickets/{id}. */
  template: string;
  /** Values of the template's parameters; the query string. */
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  as?: ConsoleSignIn;
  headers?: Record<string, string>;
}

function send(call: Call, signal?: AbortSignal): Promise<Response> {
  const path = call.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? 'no-such-id'));
  const headers: Record<string, string> = { ...call.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.as) {
    headers['cookie'] = call.as.cookie;
    headers['x-csrf-token'] = call.as.csrfToken;
  }
  return fetch(`${base}${path}${call.query ?? ''}`, { method: call.method, headers, ...(signal ? { signal } : {}), ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }) });
}

interface Checked {
  status: number;
  body: unknown;
}

/**
 * Checks a response against the document: its status is one the operation lists (or a range or
 * default), its media type is documented, and a JSON body validates against the schema and names no
 * property the schema does not.
 */
async function conforms(call: Call, response: Response): Promise<Checked> {
  const where = `${call.method} ${call.template}`;
  const operationPointer = pointerOf('paths', call.template, call.method.toLowerCase());
  const operation = atPointer(operationPointer);
  if (!isObject(operation)) throw new Error(`${where} is not documented`);
  const text = await response.text();
  const status = String(response.status);
  const responses = operation['responses'] as JsonObject;
  const key = [status, `${status[0]}XX`, 'default'].find((k) => Object.hasOwn(responses, k));
  expect(key, `${where} answered ${status} ${text.slice(0, 300)}, which the document does not list (it lists ${Object.keys(responses).join(', ')})`).toBeDefined();
  const { node: documented, pointer } = deref(responses[key!], `${operationPointer}/responses/${escapePointer(key!)}`);
  // Cache-Control: no-store unless the response documents its own Cache-Control header.
  const headers = isObject(documented) && isObject(documented['headers']) ? documented['headers'] : {};
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'cache-control')) {
    expect(response.headers.get('cache-control'), `${where} ${status}: Cache-Control (the document says no-store)`).toBe('no-store');
  }
  const content = isObject(documented) && isObject(documented['content']) ? documented['content'] : undefined;
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!content) {
    expect(text, `${where} ${status}: the document gives no content, the server sent ${mediaType}`).toBe('');
    return { status: response.status, body: undefined };
  }
  expect(Object.keys(content), `${where} ${status}: media type ${mediaType || '(none)'} is not documented`).toContain(mediaType);
  if (!/json/.test(mediaType)) return { status: response.status, body: text };
  const body = JSON.parse(text) as unknown;
  const schemaPointer = `${pointer}/content/${escapePointer(mediaType)}/schema`;
  const validate = validatorAt(schemaPointer);
  const valid = validate(body);
  expect(valid ? [] : validate.errors!.map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`), `${where} ${status} body does not match ${schemaPointer}: ${text.slice(0, 2000)}`).toEqual([]);
  expect(undocumentedProperties(atPointer(schemaPointer), schemaPointer, body), `${where} ${status}: properties the document does not name`).toEqual([]);
  return { status: response.status, body };
}

/** Sends the call and checks the response against the document. */
async function documented(call: Call): Promise<Checked> {
  return conforms(call, await send(call));
}

/** Whether the operation answers with a `text/event-stream` (a stream that stays open). */
function isEventStream(operation: JsonObject): boolean {
  const responses = isObject(operation['responses']) ? operation['responses'] : {};
  return Object.entries(responses).some(([status, raw]) => {
    const { node } = deref(raw, `${status}`);
    return isObject(node) && isObject(node['content']) && Object.hasOwn(node['content'], 'text/event-stream');
  });
}

/**
 * An event stream's call: a stream answer must have a documented status with the media type
 * text/event-stream and the documented Cache-Control (its body never ends, so it is not read: the
 * request is aborted); any other answer (an error) is checked in full like every response.
 */
async function documentedStream(call: Call): Promise<Checked & { contentType: string | null }> {
  const controller = new AbortController();
  const response = await send(call, controller.signal);
  const contentType = response.headers.get('content-type');
  try {
    if (!(contentType ?? '').startsWith('text/event-stream')) return { ...(await conforms(call, response)), contentType };
    const operationPointer = pointerOf('paths', call.template, call.method.toLowerCase());
    const responses = (atPointer(operationPointer) as JsonObject)['responses'] as JsonObject;
    const documentedResponse = deref(responses[String(response.status)], operationPointer).node;
    expect(isObject(documentedResponse) && isObject(documentedResponse['content']) ? Object.keys(documentedResponse['content']) : [], `${call.method} ${call.template} ${response.status}: text/event-stream`).toContain('text/event-stream');
    const headers = isObject(documentedResponse) && isObject(documentedResponse['headers']) ? documentedResponse['headers'] : {};
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'cache-control')) expect(response.headers.get('cache-control')).toBe('no-store');
    else expect(response.headers.get('cache-control')).toMatch(/no-store/);
    return { status: response.status, body: undefined, contentType };
  } finally {
    controller.abort();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openapi-it-'));
  // The hotline always open (OPERATOR_HOURS), one conversation per operator: a second citizen waits in the queue.
  system = await startTestSystem(dataDir, { OPERATOR_HOURS: '24/7', OPERATOR_CAPACITY: '1' }, { passwordParams: CHEAP_SCRYPT });
  base = system.url!;

  const session = await fetch(`${base}/widget/session`, { method: 'POST' });
  widgetToken = ((await session.json()) as { token: string }).token;
  const visitorId = (JSON.parse(Buffer.from(widgetToken.split('.')[0]!, 'base64url').toString('utf8')) as { v: string }).v;

  answered = await system.tickets.openTicket({
    conversationId: await openWebchatConversation(system.store, 'openapi-visitor'),
    kind: 'question',
    question: `Tôi là ${NAME}, đăng ký khai sinh cho con cần giấy tờ gì?`,
    consent: { forward: true, publish: true },
    contact: { name: NAME, phone: PHONE, callback: true },
    procedureId: 'dang-ky-khai-sinh',
  });
  await openWebchatConversation(system.store, visitorId);
  feedback = await system.tickets.openTicket({
    conversationId: conversationKey('webchat', 'portal', visitorId),
    kind: 'feedback',
    question: 'Đèn đường hỏng nhiều ngày',
    place: 'Ngã tư Lê Lợi – Trần Phú',
    consent: { forward: true, publish: false },
  });

  await system.auth.createAccount({ username: 'dieuphoi.openapi', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.openapi', displayName: 'Cán bộ', role: 'staff', agencyId: answered.agencyId, password: PASSWORD });
  [coordinator, staff] = await Promise.all([consoleLogin(base, 'dieuphoi.openapi', PASSWORD), consoleLogin(base, 'canbo.openapi', PASSWORD)]);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/* ------------------------------------------------------------------------------------------------ */
/* Tests                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

describe('docs/openapi.yaml', () => {
  it('is a structurally valid OpenAPI 3.x document: refs resolve, operations have responses, path parameters are declared', () => {
    expect(structuralProblems()).toEqual([]);
    expect(operations().length).toBeGreaterThan(0);
  });

  it('has only valid JSON Schema 2020-12 schemas (the dialect of OpenAPI 3.1), compiled in strict mode', () => {
    const problems: string[] = [];
    for (const { at, schema } of allSchemas()) {
      if (!ajv.validateSchema(schema as object)) problems.push(`${at}: ${ajv.errorsText(ajv.errors)}`);
      else {
        try {
          validatorAt(at);
        } catch (err) {
          problems.push(`${at}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the routes under /api/v1', () => {
  it('are exactly the documented operations (the router stack, walked)', () => {
    const served = servedRoutes(system.app!);
    const documentedOps = new Set(operations().map((o) => `${o.method} ${o.path}`));
    const undocumented = [...served].filter((r) => !documentedOps.has(r)).sort();
    const missing = [...documentedOps].filter((r) => !served.has(r)).sort();
    expect({ undocumented, missing }).toEqual({ undocumented: [], missing: [] });
  });

  it('answer every documented operation with something other than 404 HTTP.NOT_FOUND, with a documented status and body', async () => {
    // A session of its own: the logout probe (last) ends it.
    const prober = await consoleLogin(base, 'dieuphoi.openapi', PASSWORD);
    const ops = operations().sort((a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')));
    const notRouted: string[] = [];
    for (const op of ops) {
      // Unknown ids and empty bodies: every route rejects them without changing anything.
      const call: Call = { method: op.method, template: op.path, as: prober, ...(op.operation['requestBody'] !== undefined ? { body: {} } : {}) };
      // An event stream stays open: its status, media type and headers only, then the request is aborted.
      const { status, body } = isEventStream(op.operation) ? await documentedStream(call) : await documented(call);
      if (status === 404 && isObject(body as Json) && (body as JsonObject)['code'] === 'HTTP.NOT_FOUND') notRouted.push(`${op.method} ${op.path}`);
    }
    expect(notRouted).toEqual([]);
    // Every JSON body has a size limit: 413 must be documented wherever a body is accepted.
    for (const op of ops.filter((o) => o.operation['requestBody'] !== undefined)) {
      const { status } = await documented({ method: op.method, template: op.path, as: prober, body: { filler: 'x'.repeat(70_000) } });
      expect(status, `${op.method} ${op.path} with a 70 kB body`).toBe(413);
    }
    // And the probe can tell: an undocumented route is HTTP.NOT_FOUND.
    const unknown = await send({ method: 'GET', template: '/api/v1/inbox/no-such-route', as: coordinator });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('HTTP.NOT_FOUND');
  });
});

describe('responses match the documented schemas', () => {
  it('ask, auth (login, me, logout) and error responses', async () => {
    await documented({ method: 'POST', template: '/api/v1/ask', body: { question: 'thủ tục cấp thẻ căn cước' } });
    const bad = await documented({ method: 'POST', template: '/api/v1/ask', body: { question: '   ' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'KNOWLEDGE.QUESTION_EMPTY' } });
    const badJson = await conforms({ method: 'POST', template: '/api/v1/ask' }, await fetch(`${base}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }));
    expect(badJson).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_JSON' } });
    const tooLarge = await conforms({ method: 'POST', template: '/api/v1/ask' }, await fetch(`${base}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'x'.repeat(70_000) }) }));
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'HTTP.PAYLOAD_TOO_LARGE' } });

    const login = await documented({ method: 'POST', template: '/api/v1/auth/login', body: { username: 'canbo.openapi', password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(await documented({ method: 'POST', template: '/api/v1/auth/login', body: { username: 'canbo.openapi', password: 'sai mật khẩu' } })).toMatchObject({ status: 401, body: { code: 'AUTH.INVALID_CREDENTIALS' } });
    expect(await documented({ method: 'GET', template: '/api/v1/auth/me', as: staff })).toMatchObject({ status: 200, body: { account: { role: 'staff', agencyId: answered.agencyId } } });
    expect(await documented({ method: 'GET', template: '/api/v1/auth/me', as: coordinator })).toMatchObject({ status: 200, body: { account: { role: 'coordinator' } } });
    expect(await documented({ method: 'GET', template: '/api/v1/auth/me' })).toMatchObject({ status: 401, body: { code: 'AUTH.REQUIRED' } });
    expect(await documented({ method: 'POST', template: '/api/v1/auth/logout', as: { ...staff, csrfToken: 'wrong' } })).toMatchObject({ status: 403, body: { code: 'AUTH.CSRF' } });
  });

  it('the inbox list and ticket detail, answered, published, reopened and reminded, as coordinator and as staff', async () => {
    const answer = await documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/answer', params: { id: answered.id }, body: { text: 'Cần giấy chứng sinh bản chính và CCCD của cha mẹ.' }, as: staff });
    expect(answer.status).toBe(200);
    await waitFor('the answer to be delivered', async () => ((await system.store.tickets.get(answered.id))?.status === 'delivered' ? true : undefined));
    expect(await documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/answer', params: { id: answered.id }, body: { text: 'Lần nữa' }, as: staff })).toMatchObject({ status: 409, body: { code: 'TICKET.INVALID_TRANSITION' } });

    // Lookup of the delivered ticket: the answer part of the view.
    const delivered = await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: answered.code, phoneLast4: LAST4 } });
    expect(delivered).toMatchObject({ status: 200, body: { status: 'delivered', answer: { text: expect.any(String) } } });

    const preview = await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}/publication', params: { id: answered.id }, as: coordinator });
    expect(preview).toMatchObject({ status: 200, body: { publication: { ticketId: answered.id, draft: { removed: expect.any(Number) } } } });
    expect(JSON.stringify(preview.body)).not.toContain(NAME);
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}/publication', params: { id: feedback.id }, as: coordinator })).toMatchObject({ status: 200, body: { publication: { blocker: 'no-consent' } } });
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}/publication', params: { id: answered.id }, as: staff })).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    const published = await documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/publish', params: { id: answered.id }, body: { question: 'Đăng ký khai sinh cần giấy tờ gì?' }, as: coordinator });
    expect(published.status).toBe(200);
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}/publication', params: { id: answered.id }, as: coordinator })).toMatchObject({ status: 200, body: { publication: { published: { ticketId: answered.id } } } });
    expect(await documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/publish', params: { id: feedback.id }, body: {}, as: coordinator })).toMatchObject({ status: 409, body: { code: 'PUBLISH.NOT_ALLOWED' } });
    expect(await documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/publish', params: { id: answered.id }, body: {}, as: staff })).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    const qa = await documented({ method: 'GET', template: '/api/v1/qa' });
    expect((qa.body as { entries: unknown[] }).entries).toHaveLength(1);
    expect(await documented({ method: 'GET', template: '/api/v1/qa', query: '?limit=0' })).toMatchObject({ status: 400 });
    expect(((await documented({ method: 'GET', template: '/api/v1/qa', query: '?q=khai%20sinh' })).body as { entries: unknown[] }).entries).toHaveLength(1);

    // The citizen reopens; a reminder and a held answer's notice fill the remaining optional fields.
    await system.tickets.reopenByAsker(answered.code, { phoneLast4: LAST4 }, REOPEN_REASON);
    await updateTicket(system.store.tickets, answered.id, (t, at) => recordReminder(t, at), new Date());
    await updateTicket(system.store.tickets, answered.id, (t, at) => ({ ...t, updatedAt: at, delivery: { ...t.delivery!, status: 'held', notice: { status: 'failed', at, error: 'CHANNEL.PERMANENT' } } }), new Date());

    for (const who of [coordinator, staff]) {
      const list = await documented({ method: 'GET', template: '/api/v1/inbox/tickets', query: '?limit=10', as: who });
      const tickets = (list.body as { tickets: Array<Record<string, unknown>> }).tickets;
      expect(tickets.find((t) => t['id'] === answered.id)).toMatchObject({ status: 'reopened', reopenReason: REOPEN_REASON, remindedAt: expect.any(String), delivery: { notice: { status: 'failed' } } });
      const detail = await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}', params: { id: answered.id }, as: who });
      expect(detail.body).toMatchObject({ ticket: { answer: { onTime: true }, timeline: expect.arrayContaining([expect.objectContaining({ action: 'remind' })]) } });
    }
    const staffDetail = await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}', params: { id: answered.id }, as: staff });
    expect(staffDetail.body).toMatchObject({ ticket: { contact: { name: NAME, callbackPhone: expect.any(String) } } });
    const feedbackDetail = await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}', params: { id: feedback.id }, as: coordinator });
    expect(feedbackDetail.body).toMatchObject({ ticket: { kind: 'feedback', place: expect.any(String) } });
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets', query: '?status=nonsense', as: coordinator })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets/{id}', params: { id: 'no-such-ticket' }, as: coordinator })).toMatchObject({ status: 404, body: { code: 'TICKET.NOT_FOUND' } });
    expect(await documented({ method: 'GET', template: '/api/v1/inbox/tickets' })).toMatchObject({ status: 401, body: { code: 'AUTH.REQUIRED' } });

    // The feedback ticket: rerouted by the coordinator, returned by the new agency's staff; unpublish.
    const target = feedback.agencyId === 'so-noi-vu' ? 'so-tu-phap' : 'so-noi-vu';
    await system.auth.createAccount({ username: 'canbo.noivu', displayName: 'Cán bộ', role: 'staff', agencyId: target, password: PASSWORD });
    const targetStaff = await consoleLogin(base, 'canbo.noivu', PASSWORD);
    const reroute = (body: unknown, as: ConsoleSignIn) => documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/reroute', params: { id: feedback.id }, body, as });
    expect(await reroute({ agencyId: target, note: 'Chuyển đúng cơ quan' }, staff)).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect(await reroute({ agencyId: 'khong-co-co-quan-nay' }, coordinator)).toMatchObject({ status: 400 });
    expect(await reroute({ agencyId: target, note: 'Chuyển đúng cơ quan' }, coordinator)).toMatchObject({ status: 200, body: { ticket: { status: 'assigned', agencyId: target } } });
    const returnIt = (body: unknown) => documented({ method: 'POST', template: '/api/v1/inbox/tickets/{id}/return', params: { id: feedback.id }, body, as: targetStaff });
    expect(await returnIt({ reason: '' })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
    expect(await returnIt({ reason: 'Không thuộc thẩm quyền' })).toMatchObject({ status: 200, body: { ticket: { status: 'returned' } } });
    expect(await returnIt({ reason: 'Lần nữa' })).toMatchObject({ status: 409, body: { code: 'TICKET.INVALID_TRANSITION' } });
    expect(await documented({ method: 'DELETE', template: '/api/v1/inbox/tickets/{id}/publish', params: { id: answered.id }, as: coordinator })).toMatchObject({ status: 204 });
    expect(await documented({ method: 'DELETE', template: '/api/v1/inbox/tickets/{id}/publish', params: { id: answered.id }, as: coordinator })).toMatchObject({ status: 404, body: { code: 'PUBLISH.NOT_FOUND' } });
  });

  it('ticket lookup: by phone digits and by widget session, and its errors', async () => {
    const reopened = await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: answered.code, phoneLast4: LAST4 } });
    expect(reopened).toMatchObject({ status: 200, body: { code: answered.code } });
    const bySession = await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: feedback.code }, headers: { authorization: `Bearer ${widgetToken}` } });
    expect(bySession).toMatchObject({ status: 200, body: { kind: 'feedback', place: expect.any(String) } });
    expect(await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: feedback.code } })).toMatchObject({ status: 400, body: { code: 'TICKET.PROOF_REQUIRED' } });
    expect(await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: answered.code, phoneLast4: '12' } })).toMatchObject({ status: 400, body: { code: 'TICKET.INPUT_INVALID' } });
    expect(await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: answered.code, phoneLast4: '0000' } })).toMatchObject({ status: 404, body: { code: 'TICKET.NOT_FOUND' } });
    expect(await documented({ method: 'POST', template: '/api/v1/tickets/lookup', body: { code: 'ABCD', phoneLast4: '0000' } })).toMatchObject({ status: 400, body: { code: 'TICKET.CODE_INVALID' } });
    const tooLarge = await conforms({ method: 'POST', template: '/api/v1/tickets/lookup' }, await fetch(`${base}/api/v1/tickets/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'x'.repeat(3000) }) }));
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'HTTP.PAYLOAD_TOO_LARGE' } });
  });

  it('sign-in refuses a body over its own 4 kB limit (not only over the API-wide 64 kB)', async () => {
    const response = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x'.repeat(10_000), password: 'y' }) });
    expect(await conforms({ method: 'POST', template: '/api/v1/auth/login' }, response)).toMatchObject({ status: 413, body: { code: 'HTTP.PAYLOAD_TOO_LARGE' } });
  });

  it('the probes: liveness and readiness', async () => {
    expect(await documented({ method: 'GET', template: '/healthz' })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await documented({ method: 'GET', template: '/readyz' })).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('the operator console: presence, queue, conversation, transcript, replies and notes, moves, ticket, canned replies, calls and the event stream', async () => {
    await system.auth.createAccount({ username: 'tongdai.openapi', displayName: 'Tổng đài viên Hoa', role: 'operator', password: PASSWORD });
    const operator = await consoleLogin(base, 'tongdai.openapi', PASSWORD);
    expect(await documented({ method: 'GET', template: '/api/v1/auth/me', as: operator })).toMatchObject({ status: 200, body: { account: { role: 'operator' } } });
    const op = (method: string, template: string, rest: Omit<Call, 'method' | 'template' | 'as'> = {}, as: ConsoleSignIn = operator) => documented({ method, template: `/api/v1/operator${template}`, as, ...rest });

    // The live feed: its first event is validated against OperatorFeedEvent, then the stream is aborted.
    const feed = new AbortController();
    const stream = await send({ method: 'GET', template: '/api/v1/operator/events', as: operator }, feed.signal);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const firstEvent = (async () => {
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the event stream ended before an event: ${buffered}`);
        buffered += value;
        const data = /^data: (.*)$/m.exec(buffered);
        if (data) return JSON.parse(data[1]!) as unknown;
      }
    })();
    firstEvent.catch(() => undefined); // aborted at the end whatever happens

    try {
      expect(await op('POST', '/presence', { body: { status: 'online' } })).toMatchObject({ status: 200, body: { presence: { status: 'online', seenAt: expect.any(String) } } });
      expect(await op('POST', '/presence', { body: { status: 'busy' } })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });

      // Two citizens ask for a person: the first goes to the operator (capacity 1), the second waits in the queue.
      const ask = async (userId: string, text: string) =>
        system.receive({ channel: 'webchat', accountId: 'portal', userId, externalId: `${userId}-${Date.now()}-${Math.random()}`, kind: 'message', text, timestamp: Date.now() });
      const statusOf = async (id: string) => (await system.store.conversations.get(id))?.handoff?.status;
      const held = conversationKey('webchat', 'portal', 'openapi-operator-a');
      const waiting = conversationKey('webchat', 'portal', 'openapi-operator-b');
      await ask('openapi-operator-a', 'gặp tổng đài viên');
      await waitFor('the first citizen to be assigned', async () => ((await statusOf(held)) === 'assigned' ? true : undefined));
      await ask('openapi-operator-b', 'cho tôi gặp tổng đài viên');
      await waitFor('the second citizen to be queued', async () => ((await statusOf(waiting)) === 'queued' ? true : undefined));
      const event = await firstEvent;
      const validateEvent = validatorAt('/components/schemas/OperatorFeedEvent');
      expect(validateEvent(event) ? [] : validateEvent.errors, `feed event ${JSON.stringify(event)}`).toEqual([]);

      // While a person holds it the bot stays silent; the citizen's procedure question feeds the suggestions.
      await ask('openapi-operator-a', 'đăng ký khai sinh cho con cần giấy tờ gì');
      await waitFor('the question in the transcript', async () => ((await system.store.inbound.listByConversation(held, 20)).some((m) => m.text?.startsWith('đăng ký khai sinh')) ? true : undefined));

      const list = await op('GET', '/conversations');
      const items = (list.body as { items: Array<Record<string, unknown>> }).items;
      expect(items.find((c) => c['id'] === held)).toMatchObject({ status: 'assigned', mine: true, assigneeName: 'Tổng đài viên Hoa', channel: 'webchat', window: { canReply: true, closesAt: expect.any(String) } });
      expect(items.find((c) => c['id'] === waiting)).toMatchObject({ status: 'queued', mine: false, position: 1, queuedAt: expect.any(String), waitingSeconds: expect.any(Number), lastMessage: { text: 'cho tôi gặp tổng đài viên' } });
      expect(await op('GET', '/conversations', { query: '?status=assigned&mine=true' })).toMatchObject({ status: 200, body: { items: [{ id: held }] } });
      expect(await op('GET', '/conversations', { query: '?status=nonsense' })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
      expect(await op('GET', '/conversations/{id}', { params: { id: held } })).toMatchObject({ status: 200, body: { conversation: { id: held, tickets: [], earlier: [] } } });
      expect(await op('GET', '/conversations/{id}', { params: { id: 'webchat:portal:khong-co' } })).toMatchObject({ status: 404, body: { code: 'HANDOFF.NOT_FOUND' } });
      expect(await op('GET', '/conversations', {}, staff)).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });

      // Replies and notes; typing; the suggestions.
      expect(await op('POST', '/conversations/{id}/messages', { params: { id: held }, body: { text: 'Chào anh, tôi là tổng đài viên 1022.' } })).toMatchObject({ status: 201, body: { message: { kind: 'operator', author: 'Tổng đài viên Hoa', delivery: 'pending' } } });
      expect(await op('POST', '/conversations/{id}/messages', { params: { id: held }, body: { text: 'Hỏi khai sinh', private: true } })).toMatchObject({ status: 201, body: { message: { kind: 'note', text: 'Hỏi khai sinh' } } });
      expect(await op('POST', '/conversations/{id}/messages', { params: { id: held }, body: { text: '   ' } })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
      expect(await op('POST', '/conversations/{id}/messages', { params: { id: held }, body: { text: 'x', html: true } })).toMatchObject({ status: 400 });
      expect(await op('POST', '/conversations/{id}/typing', { params: { id: held } })).toMatchObject({ status: 204 });
      const suggestions = await op('GET', '/conversations/{id}/suggestions', { params: { id: held } });
      expect(suggestions.status).toBe(200);
      expect((suggestions.body as { items: unknown[] }).items.length).toBeGreaterThan(0);
      await waitFor('the reply to be delivered', async () => ((await system.store.outbound.listByConversation(held, 50)).some((r) => r.author && r.status !== 'pending') ? true : undefined));
      const transcript = await op('GET', '/conversations/{id}/messages', { params: { id: held } });
      const lines = (transcript.body as { items: Array<{ kind: string }> }).items;
      expect(new Set(lines.map((l) => l.kind))).toEqual(new Set(['citizen', 'notice', 'operator', 'note', 'event']));

      // Snooze, hand back with a summary; the moves the states refuse.
      expect(await op('POST', '/conversations/{id}/snooze', { params: { id: held }, body: { minutes: 0 } })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
      expect(await op('POST', '/conversations/{id}/snooze', { params: { id: held }, body: { minutes: 30 } })).toMatchObject({ status: 200, body: { conversation: { id: held, status: 'snoozed', mine: true } } });
      expect(await op('GET', '/conversations', { query: '?status=snoozed' })).toMatchObject({ status: 200, body: { items: [{ id: held, status: 'snoozed' }] } });
      expect(await op('POST', '/conversations/{id}/resolve', { params: { id: held }, body: { summary: 'Đã hướng dẫn hồ sơ khai sinh' } })).toMatchObject({ status: 200, body: { conversation: { id: held, status: 'bot', mine: false } } });
      expect(await op('POST', '/conversations/{id}/resolve', { params: { id: held }, body: {} })).toMatchObject({ status: 409, body: { code: 'HANDOFF.ILLEGAL_TRANSITION' } });
      // An operator may transfer only a conversation they hold (the bot holds this one now).
      expect(await op('POST', '/conversations/{id}/transfer', { params: { id: held } })).toMatchObject({ status: 403, body: { code: 'HANDOFF.NOT_ASSIGNEE' } });
      expect(await op('GET', '/conversations/{id}', { params: { id: held } })).toMatchObject({ status: 200, body: { conversation: { status: 'bot', earlier: [{ outcome: 'resolved', summary: 'Đã hướng dẫn hồ sơ khai sinh' }] } } });

      // The waiting citizen: claimed, transferred back to the queue, claimed again, sent to an agency.
      const claimed = await op('POST', '/conversations/{id}/assign', { params: { id: waiting } });
      expect(claimed).toMatchObject({ status: 200, body: { conversation: { id: waiting, status: 'assigned', mine: true, assignedAt: expect.any(String) } } });
      // Away, so that routing (which offers a transferred conversation to its operator again when nobody else is online) leaves it queued.
      expect(await op('POST', '/presence', { body: { status: 'away' } })).toMatchObject({ status: 200, body: { presence: { status: 'away' } } });
      expect(await op('POST', '/conversations/{id}/transfer', { params: { id: waiting } })).toMatchObject({ status: 200, body: { conversation: { id: waiting, status: 'queued', mine: false, position: 1 } } });
      expect(await op('POST', '/conversations/{id}/assign', { params: { id: waiting } })).toMatchObject({ status: 200, body: { conversation: { status: 'assigned', mine: true } } });
      expect(await op('POST', '/presence', { body: { status: 'online' } })).toMatchObject({ status: 200 });
      expect(await op('POST', '/conversations/{id}/ticket', { params: { id: waiting }, body: { kind: 'complaint' } })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
      const ticket = await op('POST', '/conversations/{id}/ticket', { params: { id: waiting }, body: { question: 'Hỏi thủ tục đăng ký khai sinh quá hạn' } });
      expect(ticket).toMatchObject({ status: 201, body: { ticket: { code: expect.any(String), agencyName: expect.any(String), dueDate: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) } } });
      const code = (ticket.body as { ticket: { code: string } }).ticket.code;
      expect(await op('GET', '/conversations/{id}', { params: { id: waiting } })).toMatchObject({ status: 200, body: { conversation: { status: 'bot', tickets: [{ code, status: expect.any(String), dueDate: expect.any(String) }] } } });

      // Canned replies.
      expect(((await op('GET', '/canned')).body as { items: unknown[] }).items.length).toBeGreaterThan(0);
      expect(await op('PUT', '/canned/{code}', { params: { code: 'khaisinh' }, body: { text: 'Hồ sơ khai sinh gồm tờ khai và giấy chứng sinh.' } })).toMatchObject({ status: 200, body: { item: { code: 'khaisinh' } } });
      expect(await op('PUT', '/canned/{code}', { params: { code: 'Khai Sinh!' }, body: { text: 'x' } })).toMatchObject({ status: 400, body: { code: 'HANDOFF.INPUT_INVALID' } });
      expect(await op('PUT', '/canned/{code}', { params: { code: 'khaisinh' }, body: {} })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });
      expect(await op('DELETE', '/canned/{code}', { params: { code: 'khaisinh' } })).toMatchObject({ status: 204 });
      expect(await op('DELETE', '/canned/{code}', { params: { code: 'khaisinh' } })).toMatchObject({ status: 204 });

      // Phone intake: answered on the phone, sent to an agency, and the list (call-back numbers masked).
      expect(await op('POST', '/calls', { body: { question: 'Giờ làm việc của bộ phận một cửa?', answer: 'Từ 7 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu.', durationSeconds: 95 } })).toMatchObject({ status: 201, body: { call: { id: expect.any(String), receivedAt: expect.any(String) } } });
      const sent = await op('POST', '/calls', { body: { question: 'Đăng ký khai sinh cho con quá hạn cần gì?', callbackPhone: PHONE, procedureId: 'dang-ky-khai-sinh', toAgency: true } });
      expect(sent).toMatchObject({ status: 201, body: { call: { ticket: { code: expect.any(String), agencyName: expect.any(String), dueDate: expect.any(String) } } } });
      expect(await op('POST', '/calls', { body: { question: 'Không có câu trả lời' } })).toMatchObject({ status: 400, body: { code: 'HANDOFF.INPUT_INVALID' } });
      const calls = await op('GET', '/calls', { query: '?limit=10' });
      const recorded = (calls.body as { items: Array<Record<string, unknown>> }).items;
      expect(recorded).toHaveLength(2);
      expect(recorded.find((c) => c['ticketCode'])).toMatchObject({ callbackPhone: expect.any(String) });
      expect(recorded.find((c) => c['ticketCode'])!['callbackPhone']).not.toBe(PHONE);
      expect(recorded.find((c) => c['answer'])).toBeDefined();
      expect(await op('GET', '/calls', { query: '?limit=0' })).toMatchObject({ status: 400, body: { code: 'HTTP.BAD_REQUEST' } });

      // The stream's errors; going offline.
      expect(await documentedStream({ method: 'GET', template: '/api/v1/operator/events' })).toMatchObject({ status: 401, body: { code: 'AUTH.REQUIRED' } });
      expect(await documentedStream({ method: 'GET', template: '/api/v1/operator/events', as: staff })).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
      expect(await documentedStream({ method: 'GET', template: '/api/v1/operator/events', as: operator })).toMatchObject({ status: 200, contentType: expect.stringMatching(/^text\/event-stream/) });
      expect(await op('POST', '/presence', { body: { status: 'offline' } })).toMatchObject({ status: 200, body: { presence: { status: 'offline' } } });
    } finally {
      feed.abort();
    }
  });

  it('account administration: list, create, disable, enable, reset password, and its errors', async () => {
    await system.auth.createAccount({ username: 'quantri.openapi', displayName: 'Quản trị', role: 'admin', password: PASSWORD });
    const admin = await consoleLogin(base, 'quantri.openapi', PASSWORD);
    const created = await documented({
      method: 'POST',
      template: '/api/v1/admin/accounts',
      as: admin,
      body: { username: 'canbo.moi.openapi', displayName: 'Cán bộ mới', role: 'staff', agencyId: answered.agencyId, password: PASSWORD },
    });
    expect(created).toMatchObject({ status: 201, body: { account: { username: 'canbo.moi.openapi', agencyId: answered.agencyId, disabled: false } } });
    const id = (created.body as { account: { id: string } }).account.id;
    expect((await documented({ method: 'GET', template: '/api/v1/admin/accounts', as: admin })).status).toBe(200);
    expect(await documented({ method: 'POST', template: '/api/v1/admin/accounts/{id}/disable', params: { id }, as: admin })).toMatchObject({ status: 200, body: { account: { disabled: true } } });
    expect(await documented({ method: 'POST', template: '/api/v1/admin/accounts/{id}/enable', params: { id }, as: admin })).toMatchObject({ status: 200, body: { account: { disabled: false } } });
    expect((await documented({ method: 'POST', template: '/api/v1/admin/accounts/{id}/password', params: { id }, as: admin, body: { password: `${PASSWORD} mới` } })).status).toBe(200);
    expect(await documented({ method: 'POST', template: '/api/v1/admin/accounts/{id}/password', params: { id }, as: admin, body: { password: 'ngắn' } })).toMatchObject({ status: 400, body: { code: 'AUTH.PASSWORD_POLICY' } });
    expect(await documented({ method: 'POST', template: '/api/v1/admin/accounts', as: admin, body: { username: 'canbo.moi.openapi', displayName: 'x', role: 'coordinator', password: PASSWORD } })).toMatchObject({ status: 409, body: { code: 'AUTH.USERNAME_TAKEN' } });
    expect(await documented({ method: 'POST', template: '/api/v1/admin/accounts/{id}/enable', params: { id: 'khong-co' }, as: admin })).toMatchObject({ status: 404, body: { code: 'AUTH.ACCOUNT_NOT_FOUND' } });
    expect(await documented({ method: 'GET', template: '/api/v1/admin/accounts', as: staff })).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
  });

  it('statistics as JSON and CSV', async () => {
    const month = new Date().toISOString().slice(0, 7);
    for (const who of [coordinator, staff]) {
      const stats = await documented({ method: 'GET', template: '/api/v1/stats', query: `?from=${month}&to=${month}`, as: who });
      expect(stats.status).toBe(200);
      expect((stats.body as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    }
    expect(await documented({ method: 'GET', template: '/api/v1/stats', query: `?from=${month}&to=${month}&groupBy=agency`, as: coordinator })).toMatchObject({ status: 200, body: { groupBy: ['agency'] } });
    expect(await documented({ method: 'GET', template: '/api/v1/stats', query: '?from=2026-13&to=2026-01', as: coordinator })).toMatchObject({ status: 400 });
    const csv = await documented({ method: 'GET', template: '/api/v1/stats.csv', query: `?from=${month}&to=${month}`, as: coordinator });
    expect(csv.status).toBe(200);
    expect(csv.body).toMatch(/Tháng/);
  });

  it('portal news: write an item, the list, the report and its CSV, and their errors', async () => {
    const written = await documented({ method: 'POST', template: '/api/v1/news/items', as: coordinator, body: { title: 'Thi tuyển <2026> & xét tuyển', summary: 'Hạn nộp 31/12.', link: 'https://portal.example.gov.vn/tin/1', topics: ['tuyen-dung'], urgency: 'normal' } });
    expect(written).toMatchObject({ status: 201, body: { item: { source: 'editor', topics: ['tuyen-dung'] } } });
    const id = (written.body as { item: { id: string } }).item.id;
    expect(await documented({ method: 'POST', template: '/api/v1/news/items', as: staff, body: { title: 'x', topics: ['y-te'] } })).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect(await documented({ method: 'POST', template: '/api/v1/news/items', as: coordinator, body: { title: 'x', topics: ['khong-co'] } })).toMatchObject({ status: 400, body: { code: 'NEWS.INPUT_INVALID' } });
    const list = await documented({ method: 'GET', template: '/api/v1/news/items', query: '?topic=tuyen-dung&limit=5', as: staff });
    expect(list.status).toBe(200);
    expect((list.body as { items: { id: string }[] }).items[0]!.id).toBe(id);
    expect(await documented({ method: 'GET', template: '/api/v1/news/items/{id}/report', params: { id }, as: coordinator })).toMatchObject({ status: 200, body: { report: { itemId: id } } });
    expect(await documented({ method: 'GET', template: '/api/v1/news/items/{id}/report', params: { id: 'khong-co-tin' }, as: coordinator })).toMatchObject({ status: 404, body: { code: 'NEWS.NOT_FOUND' } });
    const csv = await documented({ method: 'GET', template: '/api/v1/news/items/{id}/report.csv', params: { id }, as: coordinator });
    expect(csv.status).toBe(200);
    expect(csv.body).toMatch(/Đã gửi/);
  });
});
