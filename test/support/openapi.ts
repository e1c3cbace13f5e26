/** The official ClickHouse Cloud OpenAPI spec, read from ../shared/reference (CI has it too). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OPENAPI_PATH = fileURLToPath(new URL('../../../shared/reference/clickhouse-cloud-openapi.json', import.meta.url));

export interface OpenApiSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  $ref?: string;
  oneOf?: OpenApiSchema[];
  minimum?: number;
  maximum?: number;
  description?: string;
}

let cached: { components: { schemas: Record<string, OpenApiSchema> } } | undefined;
export function openApi(): { components: { schemas: Record<string, OpenApiSchema> } } {
  cached ??= JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
  return cached!;
}

export function apiSchema(name: string): OpenApiSchema {
  const s = openApi().components.schemas[name];
  if (!s) throw new Error(`OpenAPI spec has no schema ${name}`);
  return s;
}
