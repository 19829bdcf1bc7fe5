/**
 * The physical view of a table contract: each TypeBox property becomes a column with a scalar kind and a
 * nullability, following the mapping in `@aether/contracts/warehouse`. DDL, loaders and importers read this,
 * never the raw schema.
 */
import type { TableDefinition } from '@aether/contracts/warehouse';

export type ColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp';

export type Column = {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  description: string;
};

type SchemaNode = {
  type?: unknown;
  format?: unknown;
  anyOf?: unknown;
  enum?: unknown;
  const?: unknown;
  description?: unknown;
};

const columnCache = new WeakMap<TableDefinition, Column[]>();

export function columnsOf(table: TableDefinition): Column[] {
  const cached = columnCache.get(table);
  if (cached) return cached;
  const properties = table.columns.properties as Record<string, SchemaNode>;
  const columns = Object.entries(properties).map(([name, schema]) => {
    const { kind, nullable } = kindOf(schema, `${table.name}.${name}`);
    return { name, kind, nullable, description: describe(schema) };
  });
  columnCache.set(table, columns);
  return columns;
}

/** A nullable column's description sits on the union; the allowed values ("One of: …") on its member. */
function describe(schema: SchemaNode): string {
  const own = typeof schema.description === 'string' ? schema.description : '';
  if (!Array.isArray(schema.anyOf) || own.includes('One of:')) return own;
  for (const member of schema.anyOf as SchemaNode[]) {
    const values = typeof member.description === 'string' ? /One of: .*$/.exec(member.description)?.[0] : undefined;
    if (values) return own ? `${own} ${values}` : values;
  }
  return own;
}

function kindOf(schema: SchemaNode, where: string): { kind: ColumnKind; nullable: boolean } {
  if (Array.isArray(schema.anyOf)) {
    const members = schema.anyOf as SchemaNode[];
    const nonNull = members.filter((member) => member.type !== 'null');
    const kinds = new Set(nonNull.map((member) => kindOf(member, where).kind));
    const [kind] = kinds;
    if (kinds.size !== 1 || kind === undefined) throw new Error(`${where}: a union column must have one scalar type (and null)`);
    return { kind, nullable: nonNull.length < members.length || nonNull.some((member) => kindOf(member, where).nullable) };
  }
  if (Array.isArray(schema.enum)) return { kind: scalarOf(schema.enum[0], where), nullable: false };
  if (schema.const !== undefined) return { kind: scalarOf(schema.const, where), nullable: false };
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date') return { kind: 'date', nullable: false };
      if (schema.format === 'date-time') return { kind: 'timestamp', nullable: false };
      return { kind: 'string', nullable: false };
    case 'integer':
      return { kind: 'integer', nullable: false };
    case 'number':
      return { kind: 'number', nullable: false };
    case 'boolean':
      return { kind: 'boolean', nullable: false };
    default:
      throw new Error(`${where}: unsupported column type ${JSON.stringify(schema.type)}`);
  }
}

function scalarOf(value: unknown, where: string): ColumnKind {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    default:
      throw new Error(`${where}: unsupported enumerated value ${JSON.stringify(value)}`);
  }
}
