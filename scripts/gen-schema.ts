// Writes schemas/seqlab.schema.json from the config schema (src/runner/config/schema.ts).
// Run after changing the schema: npx tsx scripts/gen-schema.ts (test/runner/config.test.ts checks it is current).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchemaText } from '../src/runner/config/jsonSchema';

const out = join(__dirname, '..', 'schemas', 'seqlab.schema.json');
mkdirSync(join(__dirname, '..', 'schemas'), { recursive: true });
writeFileSync(out, configJsonSchemaText());
console.log(`wrote ${out}`);
