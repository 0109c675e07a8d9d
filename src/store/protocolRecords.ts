import type { Store } from './store.js';
import type { PlannedMeeting, ProtocolEvaluation } from './schema.js';

/** Protocol evaluations and platform meetings planned in the chat: the only module that touches them. */
export class ProtocolRecordsRepository {
  constructor(private readonly store: Store) {}

  addEvaluation(evaluation: ProtocolEvaluation): void {
    this.store.data.protocolEvaluations.push(evaluation);
  }

  evaluations(): readonly ProtocolEvaluation[] {
    return this.store.data.protocolEvaluations;
  }

  addMeeting(meeting: PlannedMeeting): void {
    this.store.data.platformMeetings.push(meeting);
  }

  meetings(): readonly PlannedMeeting[] {
    return this.store.data.platformMeetings;
  }
}
