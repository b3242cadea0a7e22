/**
 * Offline admission of an ApplicationSet exactly as the hub would do it with crds/ installed: the
 * schema in crds/applicationset-crd.yaml is the one source of truth for both. As `kubectl apply`
 * (strict field validation) then the apiserver do it: unknown fields where the schema lists its
 * fields are refused first (`strict decoding error: unknown field "spec.foo"`), then types,
 * required fields and enums, worded as kubectl prints the apiserver's Invalid answer
 * (`The ApplicationSet "x" is invalid: spec.template.spec.project: Required value`; several causes
 * one per line, `* cause`). test/e2e/crd-admission.test.ts checks the wording against kubectl and a
 * real kube-apiserver. A null is treated as absent, as the apiserver drops nulls of non-nullable fields.
 */
import { readFileSync } from 'node:fs';
import { isPlainObject } from '../params.ts';
import { parseYamlDocuments } from '../yaml.ts';

interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const CRD_FILE = new URL('../../crds/applicationset-crd.yaml', import.meta.url);

let cached: Schema | undefined;
function applicationSetSchema(): Schema {
  if (cached === undefined) {
    const [crd] = parseYamlDocuments(readFileSync(CRD_FILE, 'utf8'), 'crds/applicationset-crd.yaml') as {
      spec: { versions: { schema: { openAPIV3Schema: Schema } }[] };
    }[];
    cached = crd!.spec.versions[0]!.schema.openAPIV3Schema;
  }
  return cached;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = jsonType(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const isOpen = (schema: Schema): boolean => schema['x-kubernetes-preserve-unknown-fields'] === true;

/** The schema of a map's key: a listed property, else the map's value schema. */
const fieldSchema = (schema: Schema, key: string): Schema | undefined =>
  schema.properties?.[key] ?? schema.additionalProperties;

/** Unknown fields, as kubectl's strict validation reports them (`metadata` is ObjectMeta's own). */
function unknownFields(schema: Schema, value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => unknownFields(schema.items!, item, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  // A schema that lists its fields refuses others, unless it is open; ObjectMeta checks its own.
  const closed = !isOpen(schema) && schema.properties !== undefined && path !== 'metadata';
  for (const [key, v] of Object.entries(value)) {
    const sub = fieldSchema(schema, key);
    if (sub !== undefined) unknownFields(sub, v, child(path, key), out);
    else if (closed) out.push(`unknown field "${child(path, key)}"`);
  }
}

/** The type or enum error of one value, if any. */
function valueError(schema: Schema, value: unknown, path: string): string | undefined {
  if (schema.type !== undefined && !typeMatches(schema.type, value)) {
    const actual = jsonType(value);
    return `${path}: Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    const supported = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    return `${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`;
  }
  return undefined;
}

/** Type, required and enum errors in the apiserver's words. */
function schemaErrors(schema: Schema, value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const error = valueError(schema, value, path);
  if (error !== undefined) {
    out.push(error);
    if (schema.type !== undefined && !typeMatches(schema.type, value)) return;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => schemaErrors(schema.items!, item, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) out.push(`${child(path, key)}: Required value`);
  }
  for (const [key, v] of Object.entries(value)) {
    const sub = fieldSchema(schema, key);
    if (sub !== undefined) schemaErrors(sub, v, child(path, key), out);
  }
}

/**
 * Why the hub would refuse this ApplicationSet, in the words `kubectl apply` prints after
 * `error when creating "FILE": `; undefined when it would be accepted.
 */
export function crdAdmissionError(doc: Record<string, unknown>): string | undefined {
  const schema = applicationSetSchema();
  const name = isPlainObject(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : '';
  const unknown: string[] = [];
  unknownFields(schema, doc, '', unknown);
  if (unknown.length > 0)
    return `ApplicationSet in version "v1alpha1" cannot be handled as a ApplicationSet: strict decoding error: ${unknown.join(', ')}`;
  const errors: string[] = [];
  schemaErrors(schema, doc, '', errors);
  if (errors.length === 0) return undefined;
  const causes = errors.length === 1 ? errors[0] : `\n${errors.map((e) => `* ${e}`).join('\n')}`;
  return `The ApplicationSet "${name}" is invalid: ${causes}`;
}
