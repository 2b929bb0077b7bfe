package dev.cauce.write;

import java.util.Optional;

/**
 * A store outside the output folder whose own transaction is a run's commit point (the run's
 * PostgreSQL tables): {@link Publisher} commits it after every file has moved into place and
 * before the files' commit, and recovery asks it whether a publish left half done committed, to
 * finish that publish (it did) or roll it back (it did not). So the tables and the files of a run
 * become live together, whatever moment the process dies.
 */
public interface Participant {
  /** For messages and the publish intent, e.g. "PostgreSQL". */
  String name();

  /** Commits run {@code runId}'s side in one transaction that also records that it committed. */
  void commit(String runId) throws Exception;

  /** Whether run {@code runId}'s side committed; empty when that cannot be told now (the store is unreachable). */
  Optional<Boolean> committed(String runId);
}
