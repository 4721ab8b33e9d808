// The JSON Schema document for *.seqlab.json, generated from the one config schema (see schema.ts).
import { toJsonSchema } from './dsl';
import { configSchema } from './schema';

function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://seqlab.dev/schemas/seqlab.schema.json',
    title: 'SeqLab experiment',
    ...toJsonSchema(configSchema),
  };
}

/** The file's exact text, as scripts/gen-schema.ts writes it. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}
