package dev.cauce.write;

import dev.cauce.files.AtomicFiles;
import dev.cauce.fault.FaultPoints;
import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Commit.SinkFiles;
import dev.cauce.write.CommitRefusedException.Reason;
import dev.cauce.write.CommitStore.Snapshot;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an accepted run: makes its staged files ({@code <output>/_staging/<runId>/<name>/},
 * written by {@link WriteSink} and {@link WriteDeadLetter}) the live data of every file sink and
 * the dead letter in one commit ({@link Commit}, whose class comment is the reader's contract).
 * Plain Java over Beam's {@link FileSystems}, so local folders and {@code gs://} work alike. A
 * failed or refused run is never published, and its staging folder is left as it is for debugging.
 *
 * <p>The steps, each ending at a {@link FaultPoints} step ({@code publish:<step>}):
 *
 * <ol>
 *   <li>Finish or roll back an earlier publish left half done ({@link #recover}); read the live
 *       commit; refuse a folder owned by another pipeline or a live commit with a higher fencing
 *       token (or this run's token, committed by another run); list every target's staged files (none for a target: fail, nothing changed); for a
 *       replay, plan the dead letter without the replayed records. The new file names are the
 *       staged ones, or {@code <name>.c<sequence>.<ext>} where a live file has that name (a run id
 *       used again), so no live file is ever written over. Write {@code _PUBLISH.json} (what will
 *       move). <b>before-move</b>
 *   <li>For each target, rename its staged files into {@code <output>/<name>/} (object stores copy
 *       then delete); a replay also writes the rewritten dead-letter files there. Unlisted, these
 *       files are invisible. <b>moved:&lt;name&gt;</b> after each, <b>moved-all</b> after the last.
 *       With a {@link Participant} (the run's tables), its transaction commits now, the publish's
 *       commit point: <b>participant-committed</b>.
 *   <li>Replace {@code <output>/_COMMIT.json} in one compare-and-swap ({@link CommitStore}): every
 *       target's new list (overwrite: this run's files; append, and every sink of a replay: the
 *       live files and this run's; a replay's staged copies of live files without the records it
 *       replaces, {@link LiveRewrite}, stand in for those files), the ledger, owner, sequence, fencing token. This is the only
 *       step that changes what readers see. <b>committed</b>
 *   <li>Write each folder's {@code _MANIFEST.json} from the commit, then delete the data files the
 *       commit does not list (an overwrite's previous files, leftovers), then the run's staging.
 *       <b>cleaned</b>
 * </ol>
 *
 * A crash before step 3 leaves the previous commit live and this run's moved files unlisted; a
 * crash after it leaves the new commit live. Either way the next {@link #recover} (or publish)
 * fences the commit (commits it again, one sequence on), then deletes what no commit lists and
 * rewrites stale manifests; a publish whose participant committed is finished first (its intent
 * holds the commit). A publish that fails before its commit moves its files back to staging.
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final String LOCAL_SCHEME = "file";

  /** A folder to publish: a sink's or the dead letter's name and its write mode. */
  public record Target(String name, WriteMode mode, boolean deadLetter) {
    public Target {
      Objects.requireNonNull(mode, "mode");
      if (name == null || !Layout.isDataFile(name) || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException("invalid target folder name \"" + name + "\"");
      }
    }

    /** A sink's folder. */
    public Target(String name, WriteMode mode) {
      this(name, mode, false);
    }

    /** The dead letter's folder. */
    public static Target deadLetter(String name, WriteMode mode) {
      return new Target(name, mode, true);
    }
  }

  /** How the commit's ledger follows from the live one. */
  public enum LedgerUpdate {
    /** The run read every input the new data holds: the ledger is this run's inputs. */
    REPLACE,
    /** The run's data adds to the live data: the live ledger plus this run's inputs (newer entry per path). */
    ADD
  }

  /**
   * A publish: the run's output folder, id and pipeline (the folder's owner), its targets, and:
   * the run lock's fencing token; the inputs it read (for the ledger); how the ledger follows
   * (null: {@code REPLACE} when a sink is overwrite, else {@code ADD}; a replay always adds); and
   * for a replay ({@code replayed} not null) the keys of the records it re-ingested, which leave the
   * dead letter.
   */
  public record Request(
      String output, String runId, String owner, List<Target> targets, long fencingToken,
      List<IngestedInput> inputs, LedgerUpdate ledger, Set<DeadLetterRewrite.Key> replayed, Map<String, Long> records) {
    public Request {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(owner, "owner");
      targets = List.copyOf(targets);
      inputs = List.copyOf(inputs);
      replayed = replayed == null ? null : Set.copyOf(replayed);
      records = Map.copyOf(records);
    }

    /** A publish with fencing token 0, no inputs, the default ledger rule, not a replay. */
    public static Request of(String output, String runId, String owner, List<Target> targets) {
      return new Request(output, runId, owner, targets, 0, List.of(), null, null, Map.of());
    }

    /** How many records this run wrote per target name: the commit then says how many each holds. */
    public Request withRecords(Map<String, Long> written) {
      return new Request(output, runId, owner, targets, fencingToken, inputs, ledger, replayed, written);
    }

    /**
     * The spec's output, name (owner) and file targets; the ledger is replaced when any of its
     * sinks, a jdbc one included, is overwrite (the run then reads every input), else added to.
     */
    public static Request of(PipelineSpec spec, String runId) {
      boolean overwrite = spec.sinks().stream().anyMatch(s -> s.mode() == WriteMode.OVERWRITE);
      return of(spec.output(), runId, spec.name(), Publisher.targets(spec))
          .withLedger(overwrite ? LedgerUpdate.REPLACE : LedgerUpdate.ADD);
    }

    public Request withFencingToken(long token) {
      return new Request(output, runId, owner, targets, token, inputs, ledger, replayed, records);
    }

    public Request withInputs(List<IngestedInput> read) {
      return new Request(output, runId, owner, targets, fencingToken, read, ledger, replayed, records);
    }

    public Request withLedger(LedgerUpdate update) {
      return new Request(output, runId, owner, targets, fencingToken, inputs, update, replayed, records);
    }

    /** A replay that re-ingested the dead-letter records {@code keys} (see {@link DeadLetterRewrite#keysOf}). */
    public Request asReplay(Set<DeadLetterRewrite.Key> keys) {
      return new Request(output, runId, owner, targets, fencingToken, inputs, ledger, Objects.requireNonNull(keys), records);
    }

    public boolean replay() {
      return replayed != null;
    }
  }

  /** What publishing did to one folder: its live files now, those this run added, those deleted. */
  public record Published(
      String name, WriteMode mode, String dir, List<String> files, List<String> added, List<String> removed) {}

  /** The outcome of a publish: the run, its time (as in the commit), each target's result, the commit. */
  public record PublishResult(String runId, Instant publishedAt, List<Published> targets, Commit commit) {}

  /**
   * What {@link #recover} did: the live sequence, the runs whose half-done publish it rolled back,
   * the data files it deleted, the folders whose manifest it rewrote.
   */
  public record Recovery(long sequence, List<String> rolledBack, List<String> deleted, List<String> manifests) {}

  private final Clock clock;
  private final PipelineOptions options;

  /** Commits through Beam's FileSystems only (no generation-match precondition on {@code gs://}). */
  public Publisher() {
    this(Clock.systemUTC(), null);
  }

  /** {@code clock} gives the commit's {@code committed_at} (truncated to milliseconds). */
  public Publisher(Clock clock) {
    this(clock, null);
  }

  /** {@code options}: the run's options, for the {@code gs://} commit's precondition (endpoint, credentials). */
  public Publisher(PipelineOptions options) {
    this(Clock.systemUTC(), options);
  }

  public Publisher(Clock clock, PipelineOptions options) {
    this.clock = clock;
    this.options = options;
  }

  /**
   * The spec's file targets: its file sinks in order, then its dead letter, then its dropped duplicates
   * ({@code dedupe.dropped}), warned records ({@code dead_letter.warned}) and, when a dependency repairs, the repaired cells
   * ({@link WriteRepairs}), all in the dead letter's mode (jdbc sinks: see write.jdbc.JdbcPublisher).
   */
  public static List<Target> targets(PipelineSpec spec) {
    List<Target> targets = new ArrayList<>();
    for (SinkSpec s : spec.sinks()) {
      if (!s.isJdbc()) {
        targets.add(new Target(s.name(), s.mode()));
      }
    }
    DeadLetterSpec dl = spec.deadLetter() == null ? DeadLetterSpec.DEFAULT : spec.deadLetter();
    targets.add(Target.deadLetter(dl.name(), dl.mode()));
    if (spec.dedupe() != null && spec.dedupe().dropped() != null) {
      targets.add(new Target(spec.dedupe().dropped(), dl.mode())); // like the dead letter: it describes the run's records
    }
    if (dl.warned() != null) {
      targets.add(new Target(dl.warned(), dl.mode()));
    }
    if (DependencySpec.anyRepairs(spec.dependencies())) {
      targets.add(new Target(DependencySpec.REPAIRS, dl.mode()));
    }
    return targets;
  }

  /** Publishes all of the spec's sinks and its dead letter under the spec's output folder (owner: the spec's name). */
  public PublishResult publish(PipelineSpec spec, String runId) throws IOException {
    return publish(Request.of(spec, runId));
  }

  /**
   * Publishes the run's staged files of every target in one commit (see the class comment).
   *
   * @throws FileNotFoundException when a target has no staged file; nothing was changed then
   * @throws CommitRefusedException when the folder has another owner, a newer fencing token, or
   *     another publish committed first; nothing of this run is live then
   * @throws IOException when a filesystem operation fails
   */
  public PublishResult publish(Request req) throws IOException {
    return publish(req, null);
  }

  /**
   * {@link #publish(Request)} with {@code participant} (null: none) as the commit point: its
   * transaction commits after every file has moved and before the files' commit, which follows it
   * here or, after a crash, in the next {@link #recover}.
   */
  public PublishResult publish(Request req, Participant participant) throws IOException {
    String output = req.output();
    String runId = Layout.checkRunId(req.runId());
    Target deadLetter = checkTargets(req);
    CommitStore store = CommitStore.of(output, options);
    recover(output, req.owner(), store, runId, runId, participant);

    Snapshot live = store.read();
    Optional<Commit> previous = live.commit();
    checkAllowed(output, req, previous);
    long sequence = live.sequence() + 1;
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);

    Map<Target, List<String>> before = new LinkedHashMap<>();
    Map<Target, List<ResourceId>> staged = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Target t : req.targets()) {
      ResourceId dir = Layout.staging(output, runId, t.name());
      List<ResourceId> files = dataFiles(dir);
      if (files.isEmpty()) {
        missing.add(t.name() + " (" + dir + ")");
      }
      staged.put(t, files);
      before.put(t, liveFiles(output, t.name(), previous));
    }
    if (!missing.isEmpty()) {
      throw new FileNotFoundException(
          "cannot publish run " + runId + ": nothing is staged for " + String.join(", ", missing)
              + "; nothing was published and the published folders are unchanged"
              + " (was the run's job run with this output and run id, and did it succeed?)");
    }
    DeadLetterRewrite.Plan rewrite = null;
    if (req.replay() && deadLetter != null) {
      List<String> dl = before.get(deadLetter);
      rewrite = DeadLetterRewrite.plan(Layout.published(output, deadLetter.name()), dl, req.replayed(), runId, dl::contains);
    }

    Map<Target, Set<String>> replaced = replacedFiles(output, req, before);

    Map<Target, List<ResourceId>> destinations = new LinkedHashMap<>();
    List<SinkFiles> sinks = new ArrayList<>();
    Map<String, List<String>> intended = new LinkedHashMap<>();
    for (Target t : req.targets()) {
      ResourceId dir = Layout.published(output, t.name());
      Set<String> taken = new HashSet<>(before.get(t));
      List<String> added = new ArrayList<>();
      List<ResourceId> to = new ArrayList<>();
      for (ResourceId f : staged.get(t)) {
        String name = publishedName(f.getFilename(), taken, sequence);
        added.add(name);
        to.add(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE));
      }
      destinations.put(t, to);
      LinkedHashSet<String> listed = new LinkedHashSet<>();
      if (t == deadLetter && rewrite != null) {
        listed.addAll(rewrite.files());
      } else if (req.replay() || t.mode() == WriteMode.APPEND) {
        listed.addAll(before.get(t));
        listed.removeAll(replaced.getOrDefault(t, Set.of()));
      }
      listed.addAll(added);
      sinks.add(new SinkFiles(t.name(), t.mode(), t.deadLetter(), new ArrayList<>(listed),
          liveRecords(req, t, previous, t == deadLetter && rewrite != null, removed(output, runId, t, replaced))));
      List<String> mine = new ArrayList<>(added);
      if (t == deadLetter && rewrite != null) {
        mine.addAll(rewrite.rewrites().values());
      }
      intended.put(t.name(), mine);
    }
    Commit next = new Commit(sequence, runId, req.owner(), req.fencingToken(), at, req.replay(), sinks,
        ledger(req, previous, at));

    ResourceId intentFile = Layout.intent(output, runId);
    new PublishIntent(runId, req.owner(), sequence, intended, participant == null ? null : participant.name(),
        participant == null ? null : next).writeTo(intentFile);
    FaultPoints.reached("publish:before-move");
    List<ResourceId[]> moved = new ArrayList<>(); // {staged, published}
    List<ResourceId> written = new ArrayList<>();
    boolean decided = false;
    try {
      for (Target t : req.targets()) {
        List<ResourceId> from = staged.get(t);
        FileSystems.rename(from, destinations.get(t));
        for (int i = 0; i < from.size(); i++) {
          moved.add(new ResourceId[] {from.get(i), destinations.get(t).get(i)});
        }
        if (t == deadLetter && rewrite != null) {
          written.addAll(DeadLetterRewrite.write(Layout.published(output, t.name()), rewrite, req.replayed()));
        }
        FaultPoints.reached("publish:moved:" + t.name());
      }
      FaultPoints.reached("publish:moved-all");
      if (participant != null) {
        decided = commitParticipant(participant, runId);
        FaultPoints.reached("publish:participant-committed");
      }
      store.replace(live, next);
    } catch (IOException | RuntimeException e) {
      if (e instanceof Undecided) {
        throw e; // the next recovery asks the participant again
      }
      Optional<Boolean> committed = isLive(store, next, e);
      if (decided && !committed.orElse(false)) {
        throw new IOException("run " + runId + ": " + participant.name() + " committed but the files' commit failed ("
            + e.getMessage() + "); " + PENDING, e);
      }
      if (committed.isEmpty()) {
        throw e; // whether it committed is unknown: the next recovery finishes or rolls back
      }
      if (!committed.get()) {
        rollBack(intentFile, moved, written);
        throw e;
      }
      LOG.warn("run {}: the commit reported {} but it is live: finishing the publish", runId, e.toString());
    }
    FaultPoints.reached("publish:committed");
    Map<String, List<String>> removed = finish(output, next, false, null).deleted();
    FaultPoints.reached("publish:cleaned");

    List<Published> results = new ArrayList<>();
    for (int i = 0; i < sinks.size(); i++) {
      SinkFiles s = sinks.get(i);
      String dir = Layout.published(output, s.name()).toString();
      List<String> added = intended.get(s.name()).subList(0, destinations.get(req.targets().get(i)).size());
      results.add(new Published(s.name(), s.mode(), dir, s.files(), added, removed.getOrDefault(s.name(), List.of())));
      LOG.info("published {} file(s) of run {} to {} ({})", added.size(), runId, dir, req.replay() ? "replay" : s.mode());
    }
    LOG.info("committed run {} to {} as sequence {}{}", runId, output, sequence, req.replay() ? " (replay)" : "");
    return new PublishResult(runId, at, results, next);
  }

  private static Target checkTargets(Request req) {
    if (req.targets().isEmpty()) {
      throw new IllegalArgumentException("nothing to publish: no targets");
    }
    Set<String> names = new HashSet<>();
    Target deadLetter = null;
    for (Target t : req.targets()) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("target " + t.name() + " is listed twice");
      }
      if (t.deadLetter()) {
        if (deadLetter != null) {
          throw new IllegalArgumentException("two dead letters: " + deadLetter.name() + " and " + t.name());
        }
        deadLetter = t;
      }
    }
    if (req.replay() && deadLetter == null) {
      throw new IllegalArgumentException("a replay publish needs the dead letter among its targets");
    }
    return deadLetter;
  }

  private static void checkAllowed(String output, Request req, Optional<Commit> live) throws CommitRefusedException {
    if (live.isEmpty()) {
      return;
    }
    Commit c = live.get();
    if (!c.owner().equals(req.owner())) {
      throw new CommitRefusedException(Reason.OWNER, ownerMessage(output, c, req.owner()));
    }
    // a lock's token is above the live commit's, so another run's commit with this very token means
    // the state store lost its data and handed the token out again: the lock was taken over too
    boolean reissued = c.fencingToken() == req.fencingToken() && req.fencingToken() > 0 && !c.runId().equals(req.runId());
    if (c.fencingToken() > req.fencingToken() || reissued) {
      throw new CommitRefusedException(Reason.FENCED, "run " + req.runId() + " holds fencing token "
          + req.fencingToken() + " but " + Layout.commit(output) + " was committed by run " + c.runId()
          + " with token " + c.fencingToken() + ": this run's lock was taken over; nothing was published");
    }
  }

  static String ownerMessage(String output, Commit live, String pipeline) {
    return "the output folder " + Layout.dir(output) + " belongs to pipeline " + live.owner() + " (its "
        + Layout.COMMIT + ", last committed by run " + live.runId() + "); pipeline " + pipeline
        + " cannot write into it: give it another output folder (--output, or output in the spec)";
  }

  /** The live file names of a folder: the commit's list, or for an output with no commit yet its legacy manifest's. */
  private static List<String> liveFiles(String output, String name, Optional<Commit> live) throws IOException {
    if (live.isPresent()) {
      return live.get().sink(name).map(SinkFiles::files).orElse(List.of());
    }
    return Manifest.read(Layout.published(output, name)).map(Manifest::files).orElse(List.of());
  }

  /** {@code staged}, or {@code <base>.c<sequence><ext>} when a live file already has that name. */
  private static String publishedName(String staged, Set<String> live, long sequence) {
    if (!live.contains(staged)) {
      return staged;
    }
    int dot = staged.lastIndexOf('.');
    String name = dot <= 0 ? staged + ".c" + sequence : staged.substring(0, dot) + ".c" + sequence + staged.substring(dot);
    if (live.contains(name)) {
      throw new IllegalStateException("cannot publish " + staged + ": it and " + name + " are both live");
    }
    return name;
  }

  /**
   * For a replay, each sink's live files that the run's staged copies replace ({@link LiveRewrite}
   * markers); a marker naming a file that is not live fails the publish, nothing changed.
   */
  private static Map<Target, Set<String>> replacedFiles(String output, Request req, Map<Target, List<String>> before)
      throws IOException {
    Map<Target, Set<String>> replaced = new LinkedHashMap<>();
    if (!req.replay()) {
      return replaced;
    }
    for (Target t : req.targets()) {
      if (t.deadLetter()) {
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      for (LiveRewrite.Replaced r : LiveRewrite.read(Layout.staging(output, req.runId(), t.name()))) {
        if (!before.get(t).contains(r.live())) {
          throw new IllegalStateException("cannot publish replay " + req.runId() + ": it takes replaced records out of "
              + t.name() + "/" + r.live() + ", which is no longer live; nothing was published: replay again");
        }
        names.add(r.live());
      }
      replaced.put(t, names);
    }
    return replaced;
  }

  /** How many live records of {@code t} this run's rewritten copies leave out. */
  private static long removed(String output, String runId, Target t, Map<Target, Set<String>> replaced) throws IOException {
    if (replaced.getOrDefault(t, Set.of()).isEmpty()) {
      return 0;
    }
    long n = 0;
    for (LiveRewrite.Replaced r : LiveRewrite.read(Layout.staging(output, runId, t.name()))) {
      n += r.removed();
    }
    return n;
  }

  /** How many records target {@code t} holds after this commit ({@code removed} live ones taken out); null when not known. */
  private static Long liveRecords(Request req, Target t, Optional<Commit> live, boolean rewritten, long removed) {
    Long mine = req.records().get(t.name());
    if (mine == null || rewritten) {
      return null;
    }
    if (!req.replay() && t.mode() == WriteMode.OVERWRITE) {
      return mine;
    }
    Optional<SinkFiles> prev = live.flatMap(c -> c.sink(t.name()));
    Long before = prev.isEmpty() ? Long.valueOf(0) : prev.get().records();
    return before == null ? null : before - removed + mine;
  }

  private static List<IngestedInput> ledger(Request req, Optional<Commit> live, Instant at) {
    List<IngestedInput> read = req.inputs().stream().map(i -> i.ingestedBy(req.runId(), at)).toList();
    LedgerUpdate update = req.replay() ? LedgerUpdate.ADD
        : req.ledger() != null ? req.ledger()
        : req.targets().stream().anyMatch(t -> !t.deadLetter() && t.mode() == WriteMode.OVERWRITE)
            ? LedgerUpdate.REPLACE : LedgerUpdate.ADD;
    if (update == LedgerUpdate.REPLACE || live.isEmpty()) {
      return read;
    }
    Map<String, IngestedInput> byPath = new LinkedHashMap<>();
    live.get().ledger().forEach(i -> byPath.put(i.path(), i));
    for (IngestedInput i : read) {
      byPath.remove(i.path());
      byPath.put(i.path(), i);
    }
    return new ArrayList<>(byPath.values());
  }

  /** How a failed publish that a participant may have committed ends its message. */
  public static final String PENDING = "the next run of this pipeline finishes or rolls back the publish before it starts";

  /** A participant's commit whose outcome cannot be told now: nothing is rolled back, the next recovery decides. */
  private static final class Undecided extends IOException {
    Undecided(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Commits {@code p}'s side of run {@code runId}: true when it committed (a failure whose
   * transaction committed all the same counts as committed); throws when it did not ({@link
   * Undecided} when that cannot be told).
   */
  private static boolean commitParticipant(Participant p, String runId) throws IOException {
    try {
      p.commit(runId);
      return true;
    } catch (Exception e) {
      Optional<Boolean> done = p.committed(runId);
      if (done.isEmpty()) {
        throw new Undecided("cannot tell whether run " + runId + " committed in " + p.name() + " (" + e.getMessage()
            + "); nothing was rolled back: " + PENDING, e);
      }
      if (done.get()) {
        LOG.warn("run {}: {} reported {} but the transaction committed: finishing the publish", runId, p.name(), e.toString());
        return true;
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** Whether {@code next} is live although committing it reported {@code failure}; empty when that cannot be told. */
  private static Optional<Boolean> isLive(CommitStore store, Commit next, Exception failure) {
    if (failure instanceof CommitRefusedException) {
      return Optional.of(false);
    }
    try {
      Optional<Commit> now = store.read().commit();
      // committed_at too: a fence re-commits a record of the same run with this sequence
      return Optional.of(now.isPresent() && now.get().sequence() == next.sequence() && now.get().runId().equals(next.runId())
          && now.get().committedAt().equals(next.committedAt()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot tell whether run {} was committed ({}): leaving its files for the next recovery", next.runId(), e.toString());
      return Optional.empty();
    }
  }

  /** Undoes a publish that did not commit: its files go back to staging, rewritten dead-letter files and the intent go. */
  private static void rollBack(ResourceId intentFile, List<ResourceId[]> moved, List<ResourceId> written) {
    try {
      List<ResourceId> from = new ArrayList<>();
      List<ResourceId> to = new ArrayList<>();
      for (ResourceId[] m : moved) {
        from.add(m[1]);
        to.add(m[0]);
      }
      FileSystems.rename(from, to, StandardMoveOptions.IGNORE_MISSING_FILES);
      FileSystems.delete(written, StandardMoveOptions.IGNORE_MISSING_FILES);
      FileSystems.delete(List.of(intentFile), StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not undo the uncommitted publish ({}); the next recovery deletes its files", e.toString());
    }
  }

  /**
   * Finishes or rolls back a publish left half done by a process that died, and tidies the output
   * folder: the driver calls it at start, under the run lock, before anything is written. A
   * publish whose commit never happened has its moved files and staging deleted; for the live
   * commit, stale {@code _MANIFEST.json} files are rewritten, the data files it does not list are
   * deleted from its folders, and its run's staging is deleted. Nothing live changes.
   *
   * <p>Before it deletes a file of another publish, it moves the commit on (fences): it commits the
   * live record again with the next sequence, so that a publish that is not dead after all (its
   * process lost the lock without noticing, and read the commit before) fails its compare-and-swap
   * instead of committing files that are gone. On an output with no commit yet, the fence is an
   * empty commit of run {@code runId} (none when {@code runId} is null).
   *
   * @param runId the recovering run, or null
   * @throws CommitRefusedException ({@code OWNER}) when the folder belongs to another pipeline;
   *     nothing was changed then
   */
  public Recovery recover(String output, String owner, String runId) throws IOException {
    return recover(output, owner, runId, null);
  }

  /**
   * {@link #recover(String, String, String)}, asking {@code participant} (null: none) whether a
   * publish left half done that it decides committed: if so, its commit is made now (when the
   * output has not moved on since it was planned), else it is rolled back.
   *
   * @throws IOException also when such a publish is found and the participant cannot tell (or
   *     there is none): nothing was changed then
   */
  public Recovery recover(String output, String owner, String runId, Participant participant) throws IOException {
    return recover(output, owner, CommitStore.of(output, options), null, runId, participant);
  }

  /** {@link #recover(String, String, String)} with no recovering run. */
  public Recovery recover(String output, String owner) throws IOException {
    return recover(output, owner, null);
  }

  /** {@link #recover}; the staging of {@code currentRun} (being published) is kept. */
  private Recovery recover(String output, String owner, CommitStore store, String currentRun, String runId,
      Participant participant) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        if (rollForward(output, owner, store, participant)) {
          continue; // the commit changed: read it again
        }
        return recoverOnce(output, owner, store, currentRun, runId);
      } catch (CommitRefusedException e) {
        if (e.reason() != Reason.CONCURRENT || attempt == 3) {
          throw e;
        }
        LOG.warn("recovering {}: the commit changed while it was being fenced ({}); reading it again", output, e.toString());
      }
    }
  }

  /**
   * Makes the commit of an unfinished publish whose participant committed, when the live commit is
   * still the one it was planned on (an output that moved on since is left to {@link #recoverOnce},
   * which rolls the files back: the participant's side stays, and the inputs, not in the ledger, are
   * read again by the next run). Returns whether it committed one.
   */
  private boolean rollForward(String output, String owner, CommitStore store, Participant participant) throws IOException {
    Snapshot snapshot = store.read();
    for (MatchResult.Metadata m : match(Layout.dir(output) + Layout.STAGING + "/*/" + Layout.INTENT)) {
      Optional<PublishIntent> found = PublishIntent.read(m.resourceId());
      if (found.isEmpty() || !found.get().decidedElsewhere() || !found.get().owner().equals(owner)) {
        continue;
      }
      PublishIntent intent = found.get();
      if (snapshot.sequence() != intent.sequence() - 1) {
        if (snapshot.sequence() < intent.sequence()) {
          LOG.error("run {} left a publish half done in {} that cannot be finished: the output's commit is sequence {}, the"
              + " publish was planned on {}; rolling its files back", intent.runId(), output, snapshot.sequence(), intent.sequence() - 1);
        }
        continue;
      }
      if (participant == null) {
        throw new IOException("run " + intent.runId() + " left a publish half done in " + output + " that " + intent.participant()
            + " decides, and this run has no " + intent.participant() + " connection: run the pipeline with its jdbc options"
            + " (--jdbcUrl) to finish or roll it back");
      }
      Optional<Boolean> committed = participant.committed(intent.runId());
      if (committed.isEmpty()) {
        throw new IOException("cannot tell whether run " + intent.runId() + " committed in " + participant.name()
            + " (is it reachable?): nothing was changed; run again when it is");
      }
      if (committed.get()) {
        store.replace(snapshot, intent.commit());
        LOG.warn("recovered {}: run {} committed in {} but died before its files' commit: committed them now (sequence {})",
            output, intent.runId(), participant.name(), intent.sequence());
        return true;
      }
    }
    return false;
  }

  /** An intent file found in the staging, its run, its content (empty when unreadable) and whether the live commit is its. */
  private record Found(ResourceId file, String run, Optional<PublishIntent> intent, boolean committed) {}

  private Recovery recoverOnce(String output, String owner, CommitStore store, String currentRun, String runId) throws IOException {
    Snapshot snapshot = store.read();
    Optional<Commit> before = snapshot.commit();
    if (before.isPresent() && !before.get().owner().equals(owner)) {
      throw new CommitRefusedException(Reason.OWNER, ownerMessage(output, before.get(), owner));
    }
    List<Found> unfinished = new ArrayList<>();
    for (MatchResult.Metadata m : match(Layout.dir(output) + Layout.STAGING + "/*/" + Layout.INTENT)) {
      ResourceId file = m.resourceId();
      Optional<PublishIntent> intent = PublishIntent.read(file);
      String path = file.toString(); // <output>/_staging/<run>/_PUBLISH.json
      String dirPath = path.substring(0, path.length() - Layout.INTENT.length() - 1);
      String run = dirPath.substring(dirPath.lastIndexOf('/') + 1);
      if (intent.isPresent() && !intent.get().owner().equals(owner)) {
        continue;
      }
      boolean committed = intent.isPresent() && before.isPresent() && before.get().runId().equals(intent.get().runId())
          && before.get().sequence() == intent.get().sequence();
      if (!committed) {
        unfinished.add(new Found(file, run, intent, false));
      }
    }
    Optional<Commit> live = before;
    if (!unfinished.isEmpty() || (before.isPresent() && hasUnlisted(output, before.get()))) {
      live = fence(store, snapshot, owner, runId);
      LOG.info("fenced {} (its commit is now sequence {}) before deleting what an unfinished publish left", output,
          live.map(Commit::sequence).orElse(0L));
    }
    List<String> rolledBack = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (Found f : unfinished) {
      if (f.intent().isPresent()) {
        for (Map.Entry<String, List<String>> e : f.intent().get().files().entrySet()) {
          Set<String> listed = new HashSet<>(liveFiles(output, e.getKey(), live));
          ResourceId dir = Layout.published(output, e.getKey());
          List<ResourceId> stale = new ArrayList<>();
          for (String name : e.getValue()) {
            if (!listed.contains(name)) {
              stale.add(dir.resolve(name, StandardResolveOptions.RESOLVE_FILE));
            }
          }
          FileSystems.delete(stale, StandardMoveOptions.IGNORE_MISSING_FILES);
          stale.forEach(x -> deleted.add(x.toString()));
        }
      }
      if (f.run().equals(currentRun)) {
        FileSystems.delete(List.of(f.file()), StandardMoveOptions.IGNORE_MISSING_FILES);
      } else {
        deleteStaging(output, f.run());
      }
      rolledBack.add(f.run());
      LOG.info("rolled back the uncommitted publish of run {} in {}", f.run(), output);
    }
    List<String> manifests = new ArrayList<>();
    if (live.isPresent()) {
      Finished f = finish(output, live.get(), true, currentRun);
      f.deleted().forEach((sink, names) -> names.forEach(n ->
          deleted.add(Layout.published(output, sink).resolve(n, StandardResolveOptions.RESOLVE_FILE).toString())));
      manifests.addAll(f.manifests());
    }
    List<ResourceId> temps = new ArrayList<>();
    for (MatchResult.Metadata m : match(Layout.dir(output) + Layout.COMMIT + ".tmp-*")) {
      temps.add(m.resourceId());
    }
    FileSystems.delete(temps, StandardMoveOptions.IGNORE_MISSING_FILES);
    return new Recovery(live.map(Commit::sequence).orElse(0L), rolledBack, deleted, manifests);
  }

  /** Whether a folder of commit {@code c} holds a data file that {@code c} does not list. */
  private static boolean hasUnlisted(String output, Commit c) throws IOException {
    for (SinkFiles s : c.sinks()) {
      Set<String> listed = new HashSet<>(s.files());
      for (MatchResult.Metadata m : match(Layout.published(output, s.name()) + "*")) {
        String name = m.resourceId().getFilename();
        if (Layout.isDataFile(name) && !listed.contains(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Commits the live record again with the next sequence (on an output with none, an empty commit
   * of {@code runId}; nothing when that is null): a publish that read the commit before can no
   * longer replace it. Returns the live commit.
   */
  private Optional<Commit> fence(CommitStore store, Snapshot snapshot, String owner, String runId) throws IOException {
    Commit next;
    if (snapshot.commit().isPresent()) {
      Commit c = snapshot.commit().get();
      next = new Commit(c.sequence() + 1, c.runId(), c.owner(), c.fencingToken(), c.committedAt(), c.replay(), c.sinks(), c.ledger());
    } else if (runId != null) {
      next = new Commit(1, runId, owner, 0, clock.instant().truncatedTo(ChronoUnit.MILLIS), false, List.of(), List.of());
    } else {
      return snapshot.commit();
    }
    store.replace(snapshot, next);
    return Optional.of(next);
  }

  private record Finished(List<String> manifests, Map<String, List<String>> deleted) {}

  /**
   * Brings the folders in line with the live commit {@code c}: manifests (all, or only the stale
   * ones), then deletes the data files it does not list (and temporary manifests), then its run's
   * staging (unless that run is {@code keepStagingOf}).
   */
  private static Finished finish(String output, Commit c, boolean onlyStale, String keepStagingOf) throws IOException {
    List<String> manifests = new ArrayList<>();
    for (SinkFiles s : c.sinks()) {
      ResourceId dir = Layout.published(output, s.name());
      Manifest m = new Manifest(c.runId(), c.committedAt(), s.mode(), s.files());
      if (!onlyStale || !m.equals(readQuietly(dir))) {
        m.writeTo(dir);
        manifests.add(dir.toString());
      }
    }
    Map<String, List<String>> deleted = new LinkedHashMap<>();
    for (SinkFiles s : c.sinks()) {
      Set<String> listed = new HashSet<>(s.files());
      List<ResourceId> stale = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (MatchResult.Metadata m : match(Layout.published(output, s.name()) + "*")) {
        String name = m.resourceId().getFilename();
        if (Layout.isDataFile(name) ? !listed.contains(name)
            : name.startsWith(Layout.MANIFEST + ".tmp-") || AtomicFiles.isTemporary(name, Layout.MANIFEST)) {
          stale.add(m.resourceId());
          if (Layout.isDataFile(name)) {
            names.add(name);
          }
        }
      }
      names.sort(null);
      FileSystems.delete(stale, StandardMoveOptions.IGNORE_MISSING_FILES);
      deleted.put(s.name(), names);
    }
    if (!c.runId().equals(keepStagingOf)) {
      deleteStaging(output, c.runId());
    }
    return new Finished(manifests, deleted);
  }

  private static Manifest readQuietly(ResourceId dir) {
    try {
      return Manifest.read(dir).orElse(null);
    } catch (IOException e) {
      return null; // unreadable: rewritten
    }
  }

  /**
   * Deletes every file under the run's staging folder through {@link FileSystems}; on a local
   * filesystem, which (unlike object stores) has real directories, then removes the emptied
   * directory tree too, deepest first. A directory that cannot be removed is logged, not fatal:
   * the run is published by then (or it failed for lack of space and its staging goes).
   */
  public static void deleteStaging(String output, String runId) throws IOException {
    ResourceId root = Layout.stagingRoot(output, runId);
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match(root + "**")) {
      files.add(m.resourceId());
    }
    FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
    if (!LOCAL_SCHEME.equals(root.getScheme())) {
      return;
    }
    Path dir = Paths.get(root.toString());
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(dir)) {
      dirs = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        LOG.warn("could not delete staging folder {}: {}", d, e.toString());
      }
    }
  }

  /** The data files directly in {@code dir}, sorted by name; empty when the folder does not exist. */
  static List<ResourceId> dataFiles(ResourceId dir) throws IOException {
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match(dir + "*")) {
      if (Layout.isDataFile(m.resourceId().getFilename())) {
        files.add(m.resourceId());
      }
    }
    files.sort(Comparator.comparing(ResourceId::getFilename));
    return files;
  }

  private static List<MatchResult.Metadata> match(String glob) throws IOException {
    MatchResult m = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    return m.metadata();
  }

  /**
   * The live data files of a published folder {@code <output>/<name>/}, as full paths in order:
   * exactly what a reader should read, resolved through {@code <output>/_COMMIT.json} (for an
   * output with no commit record yet, through the folder's {@code _MANIFEST.json}). Empty when
   * nothing of it is live.
   */
  public static List<String> publishedFiles(String dir) throws IOException {
    String[] outputAndName = Layout.outputAndName(dir);
    LiveOutput live = LiveOutput.read(outputAndName[0]);
    if (live.commit().isPresent()) {
      return live.files(outputAndName[1]);
    }
    ResourceId d = Layout.dir(dir);
    List<String> paths = new ArrayList<>();
    for (String name : Manifest.read(d).map(Manifest::files).orElse(List.of())) {
      paths.add(d.resolve(name, StandardResolveOptions.RESOLVE_FILE).toString());
    }
    return paths;
  }

  /**
   * The lines of a folder's published JSON Lines or CSV files, in commit order. Every CSV file
   * starts with the same header: it is kept from the first file only, so the result is one CSV
   * document. Lines are split at {@code \n} (a CSV value holding a line break spans two lines).
   *
   * @throws IllegalArgumentException for a Parquet (or other non-text) file
   */
  public static List<String> readPublishedLines(String dir) throws IOException {
    List<String> lines = new ArrayList<>();
    boolean headerSeen = false;
    for (String path : publishedFiles(dir)) {
      boolean csv = path.endsWith(".csv");
      if (!csv && !path.endsWith(".jsonl")) {
        throw new IllegalArgumentException("not a text file: " + path);
      }
      String text = Manifest.readString(FileSystems.matchNewResource(path, false));
      List<String> fileLines = new ArrayList<>(List.of(text.split("\n", -1)));
      if (!fileLines.isEmpty() && fileLines.get(fileLines.size() - 1).isEmpty()) {
        fileLines.remove(fileLines.size() - 1);
      }
      if (csv && headerSeen && !fileLines.isEmpty()) {
        fileLines.remove(0);
      }
      headerSeen |= csv;
      lines.addAll(fileLines);
    }
    return lines;
  }
}
