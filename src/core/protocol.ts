import { randomUUID } from 'node:crypto';
import type { DirectoryView } from '../directory/directory.js';
import type { ProtocolRecordsRepository } from '../store/protocolRecords.js';
import type { PlannedMeeting, ProtocolEvaluation } from '../store/schema.js';
import { localDate } from './dates.js';
import { meetingsStatus, protocolStatus, type MeetingsStatus, type ProtocolStatus } from './protocolStatus.js';

/** The information-sharing protocol's evaluations and the platform meetings, as recorded in the chat. */
export class ProtocolService {
  constructor(
    private readonly repo: ProtocolRecordsRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  status(): ProtocolStatus {
    return protocolStatus(this.directory(), this.repo.evaluations(), this.today());
  }

  meetings(): MeetingsStatus {
    return meetingsStatus(this.directory(), this.repo.meetings(), this.today());
  }

  recordEvaluation(entry: Pick<ProtocolEvaluation, 'date' | 'outcome' | 'nextDate' | 'recordedBy'>): ProtocolEvaluation {
    const evaluation = { id: randomUUID(), ...entry, createdAt: this.clock().toISOString() };
    this.repo.addEvaluation(evaluation);
    return evaluation;
  }

  planMeeting(entry: Pick<PlannedMeeting, 'date' | 'place' | 'plannedBy'>): PlannedMeeting {
    const meeting = { id: randomUUID(), ...entry, createdAt: this.clock().toISOString() };
    this.repo.addMeeting(meeting);
    return meeting;
  }

  /** Meetings planned in the chat that have not taken place: the ones that can be cancelled in the chat. */
  cancellableMeetings(): PlannedMeeting[] {
    const today = this.today();
    return this.repo
      .meetings()
      .filter((m) => m.date >= today)
      .sort((a, b) => a.date.localeCompare(b.date));
  }

  /** Cancels a meeting planned in the chat (a mistyped date would otherwise be reminded and counted); undefined if it is not one. */
  cancelMeeting(id: string): PlannedMeeting | undefined {
    if (!this.cancellableMeetings().some((m) => m.id === id)) return undefined;
    return this.repo.removeMeeting(id);
  }

  private today() {
    return localDate(this.clock(), this.directory().data.timeZone);
  }
}
