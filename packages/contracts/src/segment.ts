/** The segment document (one per segment in the store) and its forward-only status machine. */
import Type, { type Static } from 'typebox';
import { Audience, Constraints, InterpretedObjective, TriggerId } from './objective.ts';
import { UpliftReport } from './uplift.ts';

export const SegmentId = Type.String({ pattern: '^seg_[A-Za-z0-9_-]{6,64}$', description: 'Segment id, e.g. seg_01J9….' });
export type SegmentId = Static<typeof SegmentId>;

export const SEGMENT_STATUSES = ['submitted', 'interpreted', 'scored', 'built', 'ready', 'failed'] as const;
export const SegmentStatus = Type.Enum(SEGMENT_STATUSES, { description: 'Where the segment is in the pipeline.' });
export type SegmentStatus = Static<typeof SegmentStatus>;

/** The pipeline order; `failed` is reachable from every status but `ready`, and is terminal. */
export const PIPELINE: readonly SegmentStatus[] = ['submitted', 'interpreted', 'scored', 'built', 'ready'];

export function canTransition(from: SegmentStatus, to: SegmentStatus): boolean {
  if (from === 'failed' || from === 'ready') return false;
  if (to === 'failed') return true;
  return PIPELINE.indexOf(to) === PIPELINE.indexOf(from) + 1;
}

export const SegmentFailure = Type.Object(
  {
    stage: SegmentStatus,
    code: Type.String({ description: 'Closed application error code.' }),
    message: Type.String(),
    at: Type.String({ format: 'date-time' }),
  },
  { $id: 'SegmentFailure', additionalProperties: false, description: 'Why a segment stopped.' },
);
export type SegmentFailure = Static<typeof SegmentFailure>;

/** The audience as the query-builder compiles it: the COO's audience plus the resolved selection rules. */
export const SegmentSpec = Type.Object(
  {
    audience: Audience,
    constraints: Constraints,
    triggers: Type.Array(TriggerId, { minItems: 1, description: 'Triggers each member may be assigned.' }),
    asOf: Type.String({ format: 'date-time', description: 'Features are computed as of this instant.' }),
  },
  { $id: 'SegmentSpec', additionalProperties: false },
);
export type SegmentSpec = Static<typeof SegmentSpec>;

export const MicroSegment = Type.Object(
  {
    triggerId: TriggerId,
    size: Type.Integer({ minimum: 0 }),
    expectedIncrementalConversions: Type.Number(),
    expectedNetValue: Type.Number({ description: 'Expected incremental value minus contact cost, in USD.' }),
  },
  { $id: 'MicroSegment', additionalProperties: false, description: 'Members whose best trigger is this one.' },
);
export type MicroSegment = Static<typeof MicroSegment>;

export const BuiltSegment = Type.Object(
  {
    spec: SegmentSpec,
    size: Type.Integer({ minimum: 0 }),
    membersTable: Type.String({ description: 'Warehouse table holding the members.' }),
    microSegments: Type.Array(MicroSegment),
  },
  { $id: 'BuiltSegment', additionalProperties: false },
);
export type BuiltSegment = Static<typeof BuiltSegment>;

export const StageTimings = Type.Object(
  {
    submitted: Type.String({ format: 'date-time' }),
    interpreted: Type.Optional(Type.String({ format: 'date-time' })),
    scored: Type.Optional(Type.String({ format: 'date-time' })),
    built: Type.Optional(Type.String({ format: 'date-time' })),
    ready: Type.Optional(Type.String({ format: 'date-time' })),
    failed: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'StageTimings', additionalProperties: false, description: 'When the segment entered each status.' },
);
export type StageTimings = Static<typeof StageTimings>;

export const SegmentDocument = Type.Object(
  {
    id: SegmentId,
    clientKey: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
      description: 'Caller-supplied idempotency key: creating twice with one key yields one segment.',
    }),
    status: SegmentStatus,
    objectiveText: Type.String({ minLength: 1, maxLength: 4000 }),
    asOf: Type.String({ format: 'date', description: 'Date the objective is interpreted against.' }),
    interpretation: Type.Union([InterpretedObjective, Type.Null()]),
    upliftReport: Type.Union([UpliftReport, Type.Null()]),
    built: Type.Union([BuiltSegment, Type.Null()]),
    activation: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: 'What activation did (exports, webhooks); shaped by the activation contract.',
    }),
    failure: Type.Union([SegmentFailure, Type.Null()]),
    stageTimings: StageTimings,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer({ minimum: 1, description: 'Incremented on every change.' }),
  },
  { $id: 'SegmentDocument', additionalProperties: false, description: 'One segment and its state.' },
);
export type SegmentDocument = Static<typeof SegmentDocument>;

/** What a transition may write besides the status: the stage's output. */
export const SegmentPatch = Type.Partial(Type.Pick(SegmentDocument, ['interpretation', 'upliftReport', 'built', 'activation']), {
  additionalProperties: false,
});
export type SegmentPatch = Static<typeof SegmentPatch>;
