package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.SinkFormat;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Commit.SinkFiles;
import dev.cauce.write.CommitStore.Snapshot;
import dev.cauce.write.DeadLetterRewrite.Key;
import dev.cauce.write.Publisher.LedgerUpdate;
import dev.cauce.write.Publisher.Recovery;
import dev.cauce.write.Publisher.Request;
import dev.cauce.write.Publisher.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The commit record: what it lists, who may write it, the ledger, replay, recovery and the reader's view. */
public class PublisherCommitTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Instant T1 = Instant.parse("2024-01-05T10:00:00Z");
  private static final Instant T2 = Instant.parse("2024-01-06T11:30:00Z");
  private static final IngestedInput A = IngestedInput.of("/in/a.jsonl", 10, 1000, null);
  private static final IngestedInput B = IngestedInput.of("/in/b.jsonl", 20, 2000, null);
  private static final IngestedInput C = IngestedInput.of("gs://b/in/c.jsonl", 30, 3000, 77L);

  private Path out;
  private String output;

  @Before
  public void setUp() throws IOException {
    out = tmp.newFolder("out").toPath();
    output = out.toString();
  }

  private static Publisher at(Instant t) {
    return new Publisher(Clock.fixed(t, ZoneOffset.UTC));
  }

  private static List<Target> targets(WriteMode mode) {
    return List.of(new Target("orders", mode), Target.deadLetter("rejected", WriteMode.OVERWRITE));
  }

  private Request request(String runId, WriteMode mode) {
    return Request.of(output, runId, "orders", targets(mode));
  }

  /** Stages one orders file and one dead-letter file of {@code runId}. */
  private void stageRun(String runId, String rows, String rejections) throws IOException {
    PublishCrashMain.stage(out, runId, "orders", runId + "-00000-of-00001.jsonl", rows);
    PublishCrashMain.stage(out, runId, "rejected", runId + "-00000-of-00001.jsonl", rejections);
  }

  private List<String> lines(String name) throws IOException {
    return Publisher.readPublishedLines(out.resolve(name).toString());
  }

  private static String rejection(String runId, String source, long line, String raw) {
    return new RejectionJson().format(new Rejection(runId, "orders", "validate", source, line, raw, null,
        List.of(new Violation("amount_positive", "range", "amount", "amount must be > 0"))));
  }

  @Test
  public void theCommitRecordListsEverySinkAndTheLedger() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.APPEND).withFencingToken(7).withInputs(List.of(A, C)));

    assertThat(Files.readString(out.resolve("_COMMIT.json")), is("{\n"
        + "  \"format\" : 1,\n"
        + "  \"sequence\" : 1,\n"
        + "  \"run_id\" : \"r1\",\n"
        + "  \"owner\" : \"orders\",\n"
        + "  \"fencing_token\" : 7,\n"
        + "  \"committed_at\" : \"2024-01-05T10:00:00.000Z\",\n"
        + "  \"replay\" : false,\n"
        + "  \"sinks\" : [ {\n"
        + "    \"name\" : \"orders\",\n"
        + "    \"mode\" : \"append\",\n"
        + "    \"dead_letter\" : false,\n"
        + "    \"files\" : [ \"r1-00000-of-00001.jsonl\" ]\n"
        + "  }, {\n"
        + "    \"name\" : \"rejected\",\n"
        + "    \"mode\" : \"overwrite\",\n"
        + "    \"dead_letter\" : true,\n"
        + "    \"files\" : [ \"r1-00000-of-00001.jsonl\" ]\n"
        + "  } ],\n"
        + "  \"ledger\" : [ {\n"
        + "    \"path\" : \"/in/a.jsonl\",\n"
        + "    \"size_bytes\" : 10,\n"
        + "    \"last_modified_millis\" : 1000,\n"
        + "    \"run_id\" : \"r1\",\n"
        + "    \"ingested_at\" : \"2024-01-05T10:00:00.000Z\"\n"
        + "  }, {\n"
        + "    \"path\" : \"gs://b/in/c.jsonl\",\n"
        + "    \"size_bytes\" : 30,\n"
        + "    \"last_modified_millis\" : 3000,\n"
        + "    \"generation\" : 77,\n"
        + "    \"run_id\" : \"r1\",\n"
        + "    \"ingested_at\" : \"2024-01-05T10:00:00.000Z\"\n"
        + "  } ]\n"
        + "}\n"));
    Commit c = LiveOutput.read(output).commit().orElseThrow();
    assertThat(Commit.fromJson(c.toJson()), equalTo(c));
  }

  @Test
  public void appendAddsToTheLedgerAndOverwriteReplacesIt() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.APPEND).withInputs(List.of(A, B)));
    IngestedInput bChanged = IngestedInput.of(B.path(), 21, 2100, null);
    stageRun("r2", "{\"id\":2}\n", "");
    at(T2).publish(request("r2", WriteMode.APPEND).withInputs(List.of(bChanged, C)));

    LiveOutput live = LiveOutput.read(output);
    assertThat(live.sequence(), is(2L));
    assertThat(live.ledger(), contains(
        A.ingestedBy("r1", T1), bChanged.ingestedBy("r2", T2), C.ingestedBy("r2", T2)));
    assertThat(lines("orders"), contains("{\"id\":1}", "{\"id\":2}"));

    stageRun("r3", "{\"id\":3}\n", "");
    at(T2).publish(request("r3", WriteMode.OVERWRITE).withInputs(List.of(C)));
    assertThat(LiveOutput.read(output).ledger(), contains(C.ingestedBy("r3", T2)));
    assertThat(lines("orders"), contains("{\"id\":3}"));

    // the driver may say how the ledger follows (a jdbc sink in overwrite mode, say)
    stageRun("r4", "{\"id\":4}\n", "");
    at(T2).publish(request("r4", WriteMode.APPEND).withInputs(List.of(A)).withLedger(LedgerUpdate.REPLACE));
    assertThat(LiveOutput.read(output).ledger(), contains(A.ingestedBy("r4", T2)));
  }

  @Test
  public void aSpecsLedgerIsReplacedWhenAnySinkIsOverwrite() {
    PipelineSpec appendOnly = TestSpecs.spec(output, List.of(new SinkSpec("orders", SinkFormat.JSONL, 1, WriteMode.APPEND)),
        DeadLetterSpec.DEFAULT);
    PipelineSpec mixed = TestSpecs.spec(output, List.of(new SinkSpec("orders", SinkFormat.JSONL, 1, WriteMode.APPEND),
        new SinkSpec("flat", SinkFormat.CSV, 1, WriteMode.OVERWRITE)), DeadLetterSpec.DEFAULT);

    assertThat(Request.of(appendOnly, "r1").ledger(), is(LedgerUpdate.ADD));
    assertThat(Request.of(mixed, "r1").ledger(), is(LedgerUpdate.REPLACE));
    assertThat(Request.of(mixed, "r1").targets(), contains(new Target("orders", WriteMode.APPEND),
        new Target("flat", WriteMode.OVERWRITE), Target.deadLetter("rejected", WriteMode.OVERWRITE)));
  }

  @Test
  public void anotherPipelineIsRefusedAndDeletesNothing() throws Exception {
    assertThat(OutputCheck.ownerProblem(output, "other"), is(Optional.empty()));
    stageRun("r1", "{\"id\":1}\n", rejection("r1", "/in/a.jsonl", 3, "x") + "\n");
    at(T1).publish(request("r1", WriteMode.OVERWRITE));
    stageRun("o1", "{\"id\":\"other\"}\n", "");

    CommitRefusedException e = assertThrows(CommitRefusedException.class,
        () -> at(T2).publish(Request.of(output, "o1", "other", targets(WriteMode.OVERWRITE))));

    assertThat(e.reason(), is(CommitRefusedException.Reason.OWNER));
    assertThat(e.getMessage(), containsString("belongs to pipeline orders"));
    assertThat(OutputCheck.ownerProblem(output, "other").orElseThrow(), equalTo(e.getMessage()));
    assertThat(OutputCheck.ownerProblem(output, "orders"), is(Optional.empty()));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    assertThat(lines("rejected").size(), is(1));
    assertThat(WriteSinkTest.names(out.resolve("rejected")), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    assertThat(WriteSinkTest.names(out.resolve("_staging/o1/orders")), contains("o1-00000-of-00001.jsonl"));
    assertThrows(CommitRefusedException.class, () -> new Publisher().recover(output, "other"));
  }

  @Test
  public void aLowerFencingTokenOrTheLiveOneOfAnotherRunIsRefused() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.OVERWRITE).withFencingToken(5));
    stageRun("r2", "{\"id\":2}\n", "");

    CommitRefusedException e = assertThrows(CommitRefusedException.class,
        () -> at(T2).publish(request("r2", WriteMode.OVERWRITE).withFencingToken(4)));

    assertThat(e.reason(), is(CommitRefusedException.Reason.FENCED));
    assertThat(e.getMessage(), containsString("holds fencing token 4 but"));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    // the live token from another run: a store that lost its data handed it out twice
    CommitRefusedException again = assertThrows(CommitRefusedException.class,
        () -> at(T2).publish(request("r2", WriteMode.OVERWRITE).withFencingToken(5)));
    assertThat(again.reason(), is(CommitRefusedException.Reason.FENCED));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    at(T2).publish(request("r2", WriteMode.OVERWRITE).withFencingToken(6));
    assertThat(LiveOutput.read(output).fencingToken(), is(6L));
    assertThat(lines("orders"), contains("{\"id\":2}"));
  }

  @Test
  public void ofTwoWritersFromTheSameCommitOnlyOneWins() throws Exception {
    onlyOneOfTwoWritersWins(CommitStore.of(output, null));
  }

  /** Two writers replace the same (empty) start: the first wins; the second is refused and changes nothing. */
  static CommitRefusedException onlyOneOfTwoWritersWins(CommitStore store) throws IOException {
    Snapshot start = store.read();
    Commit mine = new Commit(1, "r1", "orders", 0, T1, false, List.of(), List.of());
    Commit theirs = new Commit(1, "r2", "orders", 0, T1, false, List.of(), List.of());
    store.replace(start, mine);

    CommitRefusedException e = assertThrows(CommitRefusedException.class, () -> store.replace(start, theirs));

    assertThat(e.reason(), is(CommitRefusedException.Reason.CONCURRENT));
    assertThat(store.read().commit().orElseThrow(), equalTo(mine));
    return e;
  }

  @Test
  public void aRunIdUsedAgainNeverWritesOverALiveFile() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.APPEND));
    stageRun("r1", "{\"id\":2}\n", "");

    Publisher.PublishResult again = at(T2).publish(request("r1", WriteMode.APPEND));

    assertThat(again.targets().get(0).files(), contains("r1-00000-of-00001.jsonl", "r1-00000-of-00001.c2.jsonl"));
    assertThat(lines("orders"), contains("{\"id\":1}", "{\"id\":2}"));
  }

  @Test
  public void aReplayAddsToEverySinkAndItsRecordsLeaveTheDeadLetter() throws Exception {
    String k1 = rejection("r1", "/in/a.jsonl", 1, "{\"amount\":-1}");
    String k2 = rejection("r1", "/in/a.jsonl", 2, "{\"amount\":-2}");
    String k3 = rejection("r1", "/in/b.jsonl", 1, "{\"amount\":-3}");
    stageRun("r1", "{\"id\":1}\n", k1 + "\n" + k2 + "\n" + "not a rejection\n");
    PublishCrashMain.stage(out, "r1", "rejected", "r1-00001-of-00002.jsonl", k3 + "\n");
    Files.move(out.resolve("_staging/r1/rejected/r1-00000-of-00001.jsonl"), out.resolve("_staging/r1/rejected/r1-00000-of-00002.jsonl"));
    at(T1).publish(request("r1", WriteMode.OVERWRITE).withInputs(List.of(A)));

    // the user fixed k1 and k3 in a copy; k3 fails again in the replay
    Path fixes = tmp.getRoot().toPath().resolve("fixes.jsonl");
    Files.writeString(fixes, k1.replace("-1", "1") + "\n" + k3 + "\n");
    Set<Key> replayed = DeadLetterRewrite.keysOf(fixes.toString());
    assertThat(replayed, equalTo(Set.of(new Key("r1", "/in/a.jsonl", 1), new Key("r1", "/in/b.jsonl", 1))));
    String k3again = rejection("p1", "/in/b.jsonl", 1, "{\"amount\":-3}");
    stageRun("p1", "{\"id\":\"fixed\"}\n", k3again + "\n");

    Publisher.PublishResult result = at(T2).publish(request("p1", WriteMode.OVERWRITE).asReplay(replayed));

    assertThat(lines("orders"), contains("{\"id\":1}", "{\"id\":\"fixed\"}"));
    assertThat(lines("rejected"), contains(k2, "not a rejection", k3again));
    assertThat(result.targets().get(1).files(), contains("p1-kept-00000-of-00001.jsonl", "p1-00000-of-00001.jsonl"));
    assertThat(result.targets().get(1).removed(), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    assertThat(WriteSinkTest.names(out.resolve("rejected")),
        contains("_MANIFEST.json", "p1-00000-of-00001.jsonl", "p1-kept-00000-of-00001.jsonl"));
    Commit c = LiveOutput.read(output).commit().orElseThrow();
    assertThat(c.replay(), is(true));
    assertThat("a replay keeps the ledger", c.ledger(), contains(A.ingestedBy("r1", T1)));
  }

  @Test
  public void aReplayListsTheStagedCopiesInsteadOfTheLiveFilesTheyReplace() throws Exception {
    PublishCrashMain.stage(out, "r1", "orders", "r1-00000-of-00002.jsonl", "{\"id\":1}\n{\"id\":2}\n");
    PublishCrashMain.stage(out, "r1", "orders", "r1-00001-of-00002.jsonl", "{\"id\":3}\n");
    PublishCrashMain.stage(out, "r1", "rejected", "r1-00000-of-00001.jsonl", "");
    at(T1).publish(request("r1", WriteMode.APPEND).withRecords(Map.of("orders", 3L)));
    // the replay replaces id 2 (its copy of file 0 holds id 1) and id 3 (file 1 is left empty: no copy)
    stageRun("p1", "{\"id\":2,\"v\":2}\n{\"id\":3,\"v\":2}\n", "");
    PublishCrashMain.stage(out, "p1", "orders", "r1-00000-of-00002.rp1.jsonl", "{\"id\":1}\n");
    PublishCrashMain.stage(out, "p1", "orders", "_REPLACES.r1-00000-of-00002.jsonl.json",
        new LiveRewrite.Replaced("r1-00000-of-00002.jsonl", "r1-00000-of-00002.rp1.jsonl", 1).toJson());
    PublishCrashMain.stage(out, "p1", "orders", "_REPLACES.r1-00001-of-00002.jsonl.json",
        new LiveRewrite.Replaced("r1-00001-of-00002.jsonl", null, 1).toJson());

    Publisher.PublishResult result = at(T2).publish(request("p1", WriteMode.APPEND).withRecords(Map.of("orders", 2L)).asReplay(Set.of()));

    assertThat(result.targets().get(0).files(), contains("p1-00000-of-00001.jsonl", "r1-00000-of-00002.rp1.jsonl"));
    assertThat(lines("orders"), contains("{\"id\":2,\"v\":2}", "{\"id\":3,\"v\":2}", "{\"id\":1}"));
    assertThat(result.targets().get(0).removed(), contains("r1-00000-of-00002.jsonl", "r1-00001-of-00002.jsonl"));
    assertThat("3 live - 2 replaced + 2 written", LiveOutput.read(output).commit().orElseThrow().sink("orders").get().records(),
        equalTo(3L));
  }

  @Test
  public void aReplayWhoseCopyReplacesAFileNoLongerLiveIsRefusedAndChangesNothing() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.APPEND));
    stageRun("p1", "{\"id\":1,\"v\":2}\n", "");
    PublishCrashMain.stage(out, "p1", "orders", "_REPLACES.gone.jsonl.json", new LiveRewrite.Replaced("gone.jsonl", null, 1).toJson());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> at(T2).publish(request("p1", WriteMode.APPEND).asReplay(Set.of())));

    assertThat(e.getMessage(), containsString("orders/gone.jsonl, which is no longer live; nothing was published"));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    assertThat(LiveOutput.read(output).commit().orElseThrow().runId(), equalTo("r1"));
  }

  @Test
  public void aReplayRewritesACsvDeadLetterKeepingItsHeader() throws Exception {
    RejectionCsv csv = new RejectionCsv();
    Rejection r1 = new Rejection("r1", "orders", "parse", "/in/a.csv", 2, "a,\"b\nc\"", null, List.of(new Violation("bad", null, null, "m")));
    Rejection r2 = new Rejection("r1", "orders", "parse", "/in/a.csv", 3, "z", null, List.of(new Violation("bad", null, null, "m")));
    String header = RejectionCsv.header();
    PublishCrashMain.stage(out, "r1", "orders", "r1-00000-of-00001.jsonl", "");
    PublishCrashMain.stage(out, "r1", "rejected", "r1-00000-of-00001.csv", header + "\n" + csv.format(r1) + "\n" + csv.format(r2) + "\n");
    at(T1).publish(request("r1", WriteMode.OVERWRITE));
    PublishCrashMain.stage(out, "p1", "orders", "p1-00000-of-00001.jsonl", "");
    PublishCrashMain.stage(out, "p1", "rejected", "p1-00000-of-00001.csv", header + "\n");

    at(T2).publish(request("p1", WriteMode.OVERWRITE).asReplay(Set.of(Key.of(r2))));

    assertThat(Files.readString(out.resolve("rejected/p1-kept-00000-of-00001.csv")), equalTo(header + "\n" + csv.format(r1) + "\n"));
  }

  @Test
  public void aFailureBeforeTheCommitPutsTheFilesBackInStaging() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.OVERWRITE));
    stageRun("r2", "{\"id\":2}\n", "");
    PublishCrashMain.stage(out, "r2", "blocked", "r2-00000-of-00001.jsonl", "{}\n");
    Files.writeString(out.resolve("blocked"), "a file where the folder would go");
    List<Target> targets = List.of(new Target("orders", WriteMode.OVERWRITE), new Target("blocked", WriteMode.OVERWRITE),
        Target.deadLetter("rejected", WriteMode.OVERWRITE));

    assertThrows(IOException.class, () -> at(T2).publish(Request.of(output, "r2", "orders", targets)));

    assertThat(LiveOutput.read(output).sequence(), is(1L));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    assertThat(WriteSinkTest.names(out.resolve("orders")), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    assertThat(WriteSinkTest.names(out.resolve("_staging/r2/orders")), contains("r2-00000-of-00001.jsonl"));
    assertThat(Files.exists(Path.of(Layout.intent(output, "r2").toString())), is(false));
  }

  @Test
  public void recoveryRewritesStaleManifestsAndDeletesWhatNoCommitLists() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.APPEND));
    Files.writeString(out.resolve("orders/_MANIFEST.json"), "{\"half\": ");
    Files.writeString(out.resolve("orders/r9-00000-of-00001.jsonl"), "{\"id\":\"orphan\"}\n");
    Files.writeString(out.resolve("_COMMIT.json.tmp-r9"), "{");
    Files.writeString(out.resolve("orders/_MANIFEST.json.tmp-r9"), "{");

    Commit before = LiveOutput.read(output).commit().orElseThrow();
    Recovery r = new Publisher().recover(output, "orders");

    // before deleting the orphan, recovery fenced: the same record again, one sequence on
    assertThat(r.sequence(), is(2L));
    Commit fenced = LiveOutput.read(output).commit().orElseThrow();
    assertThat(fenced.sequence(), is(2L));
    assertThat(fenced.runId(), is(before.runId()));
    assertThat(fenced.sinks(), is(before.sinks()));
    assertThat(fenced.ledger(), is(before.ledger()));
    assertThat(r.rolledBack(), is(empty()));
    assertThat(r.deleted(), contains(out.resolve("orders/r9-00000-of-00001.jsonl").toString()));
    assertThat(r.manifests(), contains(out.resolve("orders") + "/"));
    assertThat(Manifest.read(Layout.dir(out.resolve("orders").toString())).orElseThrow().files(), contains("r1-00000-of-00001.jsonl"));
    assertThat(Files.exists(out.resolve("_COMMIT.json.tmp-r9")), is(false));
    assertThat(WriteSinkTest.names(out.resolve("orders")), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    assertThat(lines("orders"), contains("{\"id\":1}"));
  }

  @Test
  public void readersGoByTheCommitAndSinksLeftOutOfTheSpecAreNoLongerLive() throws Exception {
    stageRun("r1", "{\"id\":1}\n", "");
    PublishCrashMain.stage(out, "r1", "old", "r1-00000-of-00001.jsonl", "{\"old\":1}\n");
    at(T1).publish(Request.of(output, "r1", "orders",
        List.of(new Target("orders", WriteMode.APPEND), new Target("old", WriteMode.APPEND), Target.deadLetter("rejected", WriteMode.OVERWRITE))));
    new Manifest("r0", T1, WriteMode.APPEND, List.of("r0-x.jsonl")).writeTo(Layout.dir(out.resolve("orders").toString()));
    assertThat("the commit wins over a folder's manifest", lines("orders"), contains("{\"id\":1}"));

    stageRun("r2", "{\"id\":2}\n", "");
    at(T2).publish(request("r2", WriteMode.APPEND));

    assertThat(LiveOutput.read(output).sinks().stream().map(SinkFiles::name).toList(), contains("orders", "rejected"));
    assertThat(lines("old"), is(empty()));
    assertThat("its files are left alone", WriteSinkTest.names(out.resolve("old")), contains("_MANIFEST.json", "r1-00000-of-00001.jsonl"));
    assertThat(LiveOutput.read(output).files("orders"), contains(
        out.resolve("orders/r1-00000-of-00001.jsonl").toString(), out.resolve("orders/r2-00000-of-00001.jsonl").toString()));
  }

  @Test
  public void anOutputPublishedBeforeCommitsKeepsItsAppendedFiles() throws Exception {
    Files.createDirectories(out.resolve("orders"));
    Files.writeString(out.resolve("orders/r0-00000-of-00001.jsonl"), "{\"id\":0}\n");
    new Manifest("r0", T1, WriteMode.APPEND, List.of("r0-00000-of-00001.jsonl")).writeTo(Layout.dir(out.resolve("orders").toString()));
    assertThat(lines("orders"), contains("{\"id\":0}"));
    stageRun("r1", "{\"id\":1}\n", "");

    at(T2).publish(request("r1", WriteMode.APPEND));

    assertThat(lines("orders"), contains("{\"id\":0}", "{\"id\":1}"));
    assertThat(LiveOutput.read(output).sequence(), is(1L));
  }

  @Test
  public void theCommitRecordRefusesWhatItCannotRead() {
    assertThrows(IllegalArgumentException.class, () -> Commit.fromJson("{\"format\": 2}"));
    assertThrows(IllegalArgumentException.class, () -> Commit.fromJson("{\"format\": 1, \"sequence\": 1}"));
    assertThrows(IllegalArgumentException.class, () -> Commit.fromJson("[]"));
    assertThrows(IllegalArgumentException.class, () -> new SinkFiles("a", WriteMode.APPEND, false, List.of("x", "x")));
    assertThrows(IllegalArgumentException.class, () -> new Commit(1, "r", "o", 0, T1, false,
        List.of(new SinkFiles("a", WriteMode.APPEND, false, List.of()), new SinkFiles("a", WriteMode.APPEND, false, List.of())), List.of()));
  }

  @Test
  public void anUnreadableCommitIsAnErrorNotAnEmptyOutput() throws Exception {
    Files.writeString(out.resolve("_COMMIT.json"), "{\"format\": 1");
    IOException e = assertThrows(IOException.class, () -> LiveOutput.read(output));
    assertThat(e.getMessage(), containsString("_COMMIT.json: not a cauce commit record"));
    assertThat(OutputCheck.ownerProblem(output, "orders").orElseThrow(), containsString("cannot read the commit record"));
    stageRun("r1", "{\"id\":1}\n", "");
    assertThrows(IOException.class, () -> at(T1).publish(request("r1", WriteMode.OVERWRITE)));
    assertThat(Files.exists(out.resolve("orders")), is(false));
  }

  @Test
  public void aParticipantThatRefusesLeavesTheLiveDataAndRollsTheFilesBack() throws Exception {
    Path markers = tmp.newFolder("markers").toPath();
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.OVERWRITE), new MarkerParticipant(markers));
    stageRun("r2", "{\"id\":2}\n", "");

    IOException e = assertThrows(IOException.class,
        () -> at(T2).publish(request("r2", WriteMode.OVERWRITE), new MarkerParticipant(markers, false, true)));

    assertThat(e.getMessage(), containsString("markers: refused"));
    assertThat(lines("orders"), contains("{\"id\":1}"));
    assertThat(LiveOutput.read(output).commit().orElseThrow().runId(), equalTo("r1"));
    assertThat("r2's files are back in staging", Files.exists(out.resolve("_staging/r2/orders/r2-00000-of-00001.jsonl")), is(true));
    assertThat(Files.exists(out.resolve("orders/r2-00000-of-00001.jsonl")), is(false));
  }

  @Test
  public void aParticipantThatCommittedDespiteAnErrorIsFollowedByTheFiles() throws Exception {
    Path markers = tmp.newFolder("markers").toPath();
    stageRun("r1", "{\"id\":1}\n", "");

    at(T1).publish(request("r1", WriteMode.OVERWRITE), new MarkerParticipant(markers, true, true));

    assertThat(lines("orders"), contains("{\"id\":1}"));
    assertThat(LiveOutput.read(output).commit().orElseThrow().runId(), equalTo("r1"));
  }

  @Test
  public void aParticipantThatCannotTellLeavesThePublishToRecoveryWhichWaitsUntilItCan() throws Exception {
    Path markers = tmp.newFolder("markers").toPath();
    stageRun("r1", "{\"id\":1}\n", "");
    at(T1).publish(request("r1", WriteMode.OVERWRITE), new MarkerParticipant(markers));
    stageRun("r2", "{\"id\":2}\n", "");

    IOException e = assertThrows(IOException.class,
        () -> at(T2).publish(request("r2", WriteMode.OVERWRITE), new MarkerParticipant(markers, true, false)));
    assertThat(e.getMessage(), containsString("cannot tell whether run r2 committed in markers"));
    assertThat("the files' commit waits", lines("orders"), contains("{\"id\":1}"));

    IOException blind = assertThrows(IOException.class,
        () -> at(T2).recover(output, "orders", "r3", new MarkerParticipant(markers, null, false)));
    assertThat(blind.getMessage(), containsString("cannot tell whether run r2 committed in markers"));
    IOException none = assertThrows(IOException.class, () -> at(T2).recover(output, "orders", "r3", null));
    assertThat(none.getMessage(), containsString("run r2 left a publish half done"));
    assertThat("nothing changed", lines("orders"), contains("{\"id\":1}"));

    Recovery r = at(T2).recover(output, "orders", "r3", new MarkerParticipant(markers));

    assertThat("the participant committed r2: recovery made its commit", lines("orders"), contains("{\"id\":2}"));
    assertThat(r.rolledBack(), empty());
    assertThat(Files.exists(out.resolve("orders/r1-00000-of-00001.jsonl")), is(false));
    assertThat(Files.exists(out.resolve("_staging/r2")), is(false));
  }
}
