/**
 * The LLM's response schema, generated from the TypeBox contract (one definition feeds both the request schema and
 * the reply validation). Gemini's `responseJsonSchema` accepts a JSON Schema subset: this keeps structure, types,
 * enums, bounds, closed objects and `null` branches, and drops what the dialect does not take (`$id`, `pattern`,
 * string lengths, `format`). Dropped keywords are still enforced: every reply is validated against the full contract.
 */
import { CampaignObjective } from '@aether/contracts/objective';
import Type, { type Static, type TSchema } from 'typebox';

/** What the model must answer: a COO, or no COO and the reasons the text cannot be one. */
export const InterpreterReply = Type.Object(
  {
    objective: Type.Union([CampaignObjective, Type.Null()], { description: 'The campaign objective, or null when the text is not one.' }),
    rejectionReasons: Type.Array(Type.String({ maxLength: 300 }), {
      maxItems: 10,
      description: 'Why the text cannot become a campaign objective; empty when objective is not null.',
    }),
  },
  { $id: 'InterpreterReply', additionalProperties: false },
);
export type InterpreterReply = Static<typeof InterpreterReply>;

const KEPT = new Set([
  'type',
  'description',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
]);

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | JsonSchema;

/** A TypeBox schema in Gemini's JSON Schema dialect. */
export function toGeminiSchema(schema: TSchema): JsonSchema {
  return convert(JSON.parse(JSON.stringify(schema)) as JsonSchema);
}

function convert(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? convert(sub) : sub]));
    } else if (key === 'items' && isObject(value)) {
      out.items = convert(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((sub) => (isObject(sub) ? convert(sub) : sub));
    } else {
      out[key] = value;
    }
  }
  // The dialect wants a type beside an enum; TypeBox emits a bare `enum` for string unions.
  if (Array.isArray(out.enum) && out.type === undefined && out.enum.every((v) => typeof v === 'string')) out.type = 'string';
  return out;
}

function isObject(value: JsonValue | undefined): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
