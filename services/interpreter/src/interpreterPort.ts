/** The `ObjectiveInterpreter` port: a marketer's sentence in, a validated COO or a clear rejection out. */
import type { InterpretedObjective } from '@aether/contracts/objective';

export type InterpretOptions = {
  /** Date relative phrases are resolved against, YYYY-MM-DD. */
  asOf: string;
};

export type InterpretationResult =
  | { ok: true; interpretation: InterpretedObjective }
  | {
      ok: false;
      /** Why the text cannot become a campaign objective, for the marketer. */
      reasons: string[];
    };

export type ObjectiveInterpreter = {
  /** `rules` or `gemini`: what the service logs and the CLI prints. */
  readonly name: string;
  interpret(text: string, options: InterpretOptions): Promise<InterpretationResult>;
};
