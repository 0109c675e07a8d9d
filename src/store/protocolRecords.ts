import type { Store } from './store.js';
import type { PlannedMeeting, ProtocolEvaluation } from './schema.js';

/** Protocol evaluations and platform meetings planned in the chat: the only module that touches them. */
export class ProtocolRecordsRepository {
  constructor(private readonly store: Store) {}

  addEvaluation(evaluation: ProtocolEvaluation): void {
    this.store.data.protocolEvaluations.push(evaluation);
    this.store.changed('protocol');
  }

  evaluations(): readonly ProtocolEvaluation[] {
    return this.store.data.protocolEvaluations;
  }

  addMeeting(meeting: PlannedMeeting): void {
    this.store.data.platformMeetings.push(meeting);
    this.store.changed('protocol');
  }

  meetings(): readonly PlannedMeeting[] {
    return this.store.data.platformMeetings;
  }
}
