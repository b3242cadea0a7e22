/**
 * Writes the field list of Argo CD's published CRDs (manifests/crds/*-crd.yaml of
 * github:argoproj/argo-cd) that test/unit/crds-argo.test.ts compares crds/ with:
 *
 *   node test/crds/extract-argo-fields.ts ARGO_CD_CHECKOUT/manifests/crds REF
 *
 * Only the extracted list is committed (test/crds/argo-fields/), never Argo CD's files.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseYamlDocuments } from '../../src/yaml.ts';
import { collapse, formatField, schemaFields } from './schema-fields.ts';

const [dir, ref] = process.argv.slice(2);
if (dir === undefined || ref === undefined) throw new Error('usage: extract-argo-fields.ts CRDS_DIR REF');
const out = resolve(import.meta.dirname, 'argo-fields');
mkdirSync(out, { recursive: true });
for (const kind of ['applicationset', 'application', 'appproject']) {
  const [crd] = parseYamlDocuments(readFileSync(join(dir, `${kind}-crd.yaml`), 'utf8'), kind) as {
    spec: { versions: { schema: { openAPIV3Schema: unknown } }[] };
  }[];
  // status (and an Application's operation) are written by the controllers, not by users: left out.
  const fields = collapse(schemaFields(crd!.spec.versions[0]!.schema.openAPIV3Schema)).filter(
    (f) => !/^\.(status|operation)[.[{]/.test(f.path),
  );
  writeFileSync(
    join(out, `${kind}.txt`),
    `# Extracted from Argo CD ${ref} manifests/crds/${kind}-crd.yaml by test/crds/extract-argo-fields.ts\n` +
      fields.map(formatField).join('\n') +
      '\n',
  );
  console.log(`${kind}: ${fields.length} fields`);
}
