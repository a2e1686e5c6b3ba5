import { configSchema } from './schema.js';

interface SchemaNode {
  type?: string | string[];
  enum?: readonly unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: readonly string[];
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (node.items) return `list of ${node.items.properties ? 'objects' : typeOf(node.items)}`;
  const type = Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'object');
  const range = [node.minimum !== undefined ? `≥ ${node.minimum}` : '', node.maximum !== undefined ? `≤ ${node.maximum}` : ''].filter(Boolean).join(', ');
  return range ? `${type} (${range})` : type;
}

function rows(node: SchemaNode, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const required = node.required?.includes(key) ? 'yes' : '';
    const fallback = child.default !== undefined && !(typeof child.default === 'object' && Object.keys(child.default as object).length === 0) ? `\`${JSON.stringify(child.default)}\`` : '';
    out.push(`| \`${path}\` | ${typeOf(child)} | ${required} | ${fallback} | ${(child.description ?? '').replace(/\|/g, '\\|')} |`);
    if (child.properties) rows(child, path, out);
    if (child.items?.properties) rows(child.items, `${path}[]`, out);
  }
}

/** docs/config.md, generated from the schema's descriptions (house style §4). */
export function configReference(): string {
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; a unit test checks it is current. -->',
    '',
    'A configuration is one YAML (or JSON) file, validated at start and by `streamscore check --config <file>`. Unknown keys are refused; every error names the key, what was expected and what was found. Relative paths resolve against the working directory.',
    '',
    'Environment overrides (they win over the file): `KAFKA_BROKERS` (comma-separated), `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`, `SCHEMA_REGISTRY_URL`, `SCHEMA_REGISTRY_USERNAME`, `SCHEMA_REGISTRY_PASSWORD`, `LOG_LEVEL`.',
    '',
    'Cross-field rules the table cannot show: at least one window bound; exactly one of `input.topics` and `input.topicPattern`; `input.readerSchema` is required for the `avro` codec; a `category` column needs a `vocabulary`; `output.deadLetterTopic` differs from `output.topic`.',
    '',
    '| key | type | required | default | description |',
    '|---|---|---|---|---|',
  ];
  rows(configSchema as unknown as SchemaNode, '', out);
  return out.join('\n') + '\n';
}
