import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BEHAVIORAL_EVENTS, CUSTOMERS, defineTable, TABLES } from '@aether/contracts/warehouse';
import Type from 'typebox';
import { columnsOf } from '../src/columns.ts';
import { bigQuerySchemaFields, createTableSql, tablesMarkdown } from '../src/ddl.ts';
import { people, visits } from './testTables.ts';

describe('DDL from the table contracts', () => {
  it('maps column types and nullability for DuckDB, with the primary key', () => {
    assert.equal(
      createTableSql('duckdb', people),
      `CREATE TABLE IF NOT EXISTS test_people (
  person_id VARCHAR NOT NULL,
  age BIGINT,
  score DOUBLE NOT NULL,
  active BOOLEAN NOT NULL,
  born_on DATE,
  region VARCHAR NOT NULL,
  PRIMARY KEY (person_id)
)`,
    );
  });

  it('leaves the primary key out when asked', () => {
    assert.doesNotMatch(createTableSql('duckdb', people, { primaryKey: false }), /PRIMARY KEY/);
  });

  it('partitions by day, clusters and documents columns for BigQuery', () => {
    const ddl = createTableSql('bigquery', visits, { dataset: 'aether' });
    assert.match(ddl, /^CREATE TABLE IF NOT EXISTS `aether\.test_visits` \(/);
    assert.match(ddl, /\n {2}visited_at TIMESTAMP NOT NULL,\n/);
    assert.match(
      ddl,
      /\)\nPARTITION BY DATE\(visited_at\)\nCLUSTER BY person_id\nOPTIONS\(description='Visits, an event table for adapter tests\.'\)$/,
    );
    assert.match(createTableSql('bigquery', people), / {2}score FLOAT64 NOT NULL OPTIONS\(description='It\\'s a score\.'\),/);
    const events = createTableSql('bigquery', BEHAVIORAL_EVENTS);
    assert.match(events, /PARTITION BY DATE\(occurred_at\)\nCLUSTER BY customer_id/);
    assert.doesNotMatch(createTableSql('bigquery', CUSTOMERS), /PARTITION BY/);
  });

  it('builds the REST schema with modes and descriptions', () => {
    assert.deepEqual(bigQuerySchemaFields(people).slice(0, 2), [
      { name: 'person_id', type: 'STRING', mode: 'REQUIRED', description: "The person's id." },
      { name: 'age', type: 'INT64', mode: 'NULLABLE', description: 'Age in years.' },
    ]);
  });

  it('reads every real table: enums as strings, nullable unions, dates and timestamps', () => {
    const kinds = Object.fromEntries(columnsOf(CUSTOMERS).map((column) => [column.name, `${column.kind}${column.nullable ? '?' : ''}`]));
    assert.equal(kinds.signup_at, 'timestamp');
    assert.equal(kinds.birth_date, 'date?');
    assert.equal(kinds.region, 'string?');
    assert.equal(kinds.email_opt_in, 'boolean');
    for (const table of TABLES) assert.ok(columnsOf(table).length > 0, table.name);
  });

  it('rejects a partition column that is not a date or timestamp, and a bad identifier', () => {
    const columns = Type.Object({ id: Type.String() });
    const bad = defineTable({ name: 'bad', description: 'x', columns, partitionBy: 'id', clusterBy: [], primaryKey: [] });
    assert.throws(() => createTableSql('bigquery', bad), /partition column "id" must be a DATE or TIMESTAMP column/);
    const evil = defineTable({ name: 'x; DROP TABLE y', description: 'x', columns, partitionBy: null, clusterBy: [], primaryKey: [] });
    assert.throws(() => createTableSql('duckdb', evil), /invalid SQL identifier/);
  });

  it('writes a markdown reference with one row per column', () => {
    const markdown = tablesMarkdown([people, visits]);
    assert.match(
      markdown,
      /## `test_visits`\n\nVisits, an event table for adapter tests\.\n\nprimary key: `visit_id`; partitioned by day on `visited_at` \(BigQuery\); clustered by `person_id` \(BigQuery\)\./,
    );
    assert.match(markdown, /\| `age` +\| INT64 +\| BIGINT +\| yes +\| Age in years\. +\|/);
  });
});
