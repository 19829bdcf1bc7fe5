/**
 * The event catalogue: every event type, its data schema and its topic, in one list. Publishers validate data on
 * publish and consumers on receipt against these same values.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { InterpretedObjective, TriggerId } from './objective.ts';
import { MicroSegment, SegmentId, SegmentStatus } from './segment.ts';

export const ObjectiveSubmitted = Type.Object(
  {
    segmentId: SegmentId,
    text: Type.String({ minLength: 1, maxLength: 4000, description: "The marketer's objective, verbatim." }),
    asOf: Type.String({ format: 'date', description: 'Date relative phrases are resolved against.' }),
  },
  { $id: 'ObjectiveSubmitted', additionalProperties: false, description: 'A marketer submitted an objective.' },
);
export type ObjectiveSubmitted = Static<typeof ObjectiveSubmitted>;

export const ObjectiveInterpreted = Type.Object(
  { segmentId: SegmentId, interpretation: InterpretedObjective },
  { $id: 'ObjectiveInterpreted', additionalProperties: false, description: 'The objective is now a validated COO.' },
);
export type ObjectiveInterpreted = Static<typeof ObjectiveInterpreted>;

export const UpliftScored = Type.Object(
  {
    segmentId: SegmentId,
    recommendedTriggerId: Type.Union([TriggerId, Type.Null()]),
    scoresTable: Type.String(),
  },
  { $id: 'UpliftScored', additionalProperties: false, description: 'Uplift per trigger is estimated and scored.' },
);
export type UpliftScored = Static<typeof UpliftScored>;

export const SegmentBuilt = Type.Object(
  { segmentId: SegmentId, size: Type.Integer({ minimum: 0 }), membersTable: Type.String() },
  { $id: 'SegmentBuilt', additionalProperties: false, description: 'The audience is materialised in the warehouse.' },
);
export type SegmentBuilt = Static<typeof SegmentBuilt>;

export const SegmentExport = Type.Object(
  {
    kind: Type.Enum(['csv', 'ndjson', 'webhook']),
    location: Type.String({ description: 'File URI or webhook URL (without credentials).' }),
    rows: Type.Integer({ minimum: 0 }),
  },
  { $id: 'SegmentExport', additionalProperties: false },
);
export type SegmentExport = Static<typeof SegmentExport>;

/** Public contract: other systems subscribe to it. Its JSON Schema is published; change it only by a new version. */
export const SegmentReady = Type.Object(
  {
    segmentId: SegmentId,
    size: Type.Integer({ minimum: 0, description: 'Members after consent and constraints.' }),
    microSegments: Type.Array(MicroSegment, { description: 'Members grouped by the trigger that moves them most.' }),
    exports: Type.Array(SegmentExport),
  },
  { $id: 'SegmentReady', additionalProperties: false, description: 'A segment is built and activated.' },
);
export type SegmentReady = Static<typeof SegmentReady>;

export const SegmentFailed = Type.Object(
  {
    segmentId: SegmentId,
    stage: SegmentStatus,
    code: Type.String(),
    message: Type.String(),
  },
  { $id: 'SegmentFailed', additionalProperties: false, description: 'A segment stopped with a permanent failure.' },
);
export type SegmentFailed = Static<typeof SegmentFailed>;

export type EventDefinition<S extends TSchema = TSchema> = {
  /** CloudEvents `type`, versioned. */
  type: string;
  /** Pub/Sub topic the event travels on. */
  topic: string;
  data: S;
};

function event<S extends TSchema>(name: string, data: S): EventDefinition<S> {
  return { type: `com.aethersegment.${name}.v1`, topic: name.replaceAll('.', '-'), data };
}

export const EVENTS = {
  objectiveSubmitted: event('objective.submitted', ObjectiveSubmitted),
  objectiveInterpreted: event('objective.interpreted', ObjectiveInterpreted),
  upliftScored: event('uplift.scored', UpliftScored),
  segmentBuilt: event('segment.built', SegmentBuilt),
  segmentReady: event('segment.ready', SegmentReady),
  segmentFailed: event('segment.failed', SegmentFailed),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventData<N extends EventName> = Static<(typeof EVENTS)[N]['data']>;

export function eventByType(type: string): EventDefinition | undefined {
  return Object.values(EVENTS).find((definition) => definition.type === type);
}
