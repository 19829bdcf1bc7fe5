/** Small tables for the adapter tests, independent of the product's real tables. */
import { defineTable } from '@aether/contracts/warehouse';
import Type from 'typebox';

export const people = defineTable({
  name: 'test_people',
  description: 'People, for adapter tests.',
  columns: Type.Object(
    {
      person_id: Type.String({ description: "The person's id." }),
      age: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Age in years.' }),
      score: Type.Number({ description: "It's a score." }),
      active: Type.Boolean(),
      born_on: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
      region: Type.Enum(['north', 'south']),
    },
    { additionalProperties: false },
  ),
  partitionBy: null,
  clusterBy: [],
  primaryKey: ['person_id'],
});

export const visits = defineTable({
  name: 'test_visits',
  description: 'Visits, an event table for adapter tests.',
  columns: Type.Object(
    {
      visit_id: Type.String(),
      person_id: Type.String(),
      visited_at: Type.String({ format: 'date-time' }),
      amount: Type.Number(),
    },
    { additionalProperties: false },
  ),
  partitionBy: 'visited_at',
  clusterBy: ['person_id'],
  primaryKey: ['visit_id'],
});
