package dev.cauce.write;

import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Publisher.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * One run's finish as the driver does it, small enough to run in its own JVM and be killed there
 * ({@link PublishCrashTest}): recover the output folder, choose the inputs from the live ledger
 * (all of them when a sink is overwrite, the new ones when all append, none when nothing is new),
 * stage what the job would write for them (two JSON Lines shards, one CSV file, one dead-letter
 * file), publish. Every input gives the same rows whatever the run, so datasets compare exactly.
 *
 * <p>{@code main(output, runId, overwrite|append, input,input... [beam options])}; exits 0 when done.
 * With the system property {@value #PARTICIPANT}, a {@link MarkerParticipant} decides each publish.
 * The output may be {@code gs://} (with {@code --gcsEndpoint=...} and the like as Beam options).
 */
public final class PublishCrashMain {
  static final String OWNER = "crash";
  static final List<String> SINKS = List.of("orders", "orders_csv", "rejected");
  /** A system property: a folder of {@link MarkerParticipant} markers, whose commit is each publish's commit point. */
  static final String PARTICIPANT = "crash.participant";

  private PublishCrashMain() {}

  public static void main(String[] args) throws IOException {
    WriteMode mode = WriteMode.valueOf(args[2].toUpperCase(Locale.ROOT));
    PipelineOptions options = PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(args, 4, args.length)).create();
    FileSystems.setDefaultPipelineOptions(options);
    System.out.println(run(args[0], args[1], mode, List.of(args[3].split(",")), options));
    System.exit(0);
  }

  static List<Target> targets(WriteMode mode) {
    return List.of(new Target("orders", mode), new Target("orders_csv", mode), Target.deadLetter("rejected", mode));
  }

  /** {@link #run(String, String, WriteMode, List, PipelineOptions)} in a local folder. */
  static String run(Path out, String runId, WriteMode mode, List<String> matched) throws IOException {
    return run(out.toString(), runId, mode, matched, null);
  }

  /** Runs the finish of run {@code runId} over the inputs {@code matched}; says what it did. */
  static String run(String output, String runId, WriteMode mode, List<String> matched, PipelineOptions options)
      throws IOException {
    Publisher publisher = new Publisher(options);
    String markers = System.getProperty(PARTICIPANT);
    Participant participant = markers == null || markers.isEmpty() ? null : new MarkerParticipant(Path.of(markers));
    publisher.recover(output, OWNER, null, participant);
    Set<String> ingested = new HashSet<>();
    LiveOutput.read(output).ledger().forEach(i -> ingested.add(i.path()));
    List<String> fresh = matched.stream().filter(i -> !ingested.contains(i)).toList();
    if (fresh.isEmpty()) {
      return "nothing new";
    }
    List<String> read = mode == WriteMode.APPEND ? fresh : matched;
    List<String> rows = new ArrayList<>();
    StringBuilder csv = new StringBuilder("id,input\n");
    StringBuilder rejected = new StringBuilder();
    for (String input : read) {
      for (int i = 1; i <= 3; i++) {
        rows.add("{\"id\":\"" + input + "-" + i + "\"}");
        csv.append(input).append('-').append(i).append(',').append(input).append('\n');
      }
      rejected.append("{\"source\":\"").append(input).append("\",\"line\":4}\n");
    }
    StringBuilder[] shards = {new StringBuilder(), new StringBuilder()};
    for (int i = 0; i < rows.size(); i++) {
      shards[i % 2].append(rows.get(i)).append('\n');
    }
    for (int s = 0; s < 2; s++) {
      stage(output, runId, "orders", Layout.fileName(runId, s, 2, ".jsonl"), shards[s].toString());
    }
    stage(output, runId, "orders_csv", Layout.fileName(runId, 0, 1, ".csv"), csv.toString());
    stage(output, runId, "rejected", Layout.fileName(runId, 0, 1, ".jsonl"), rejected.toString());
    List<IngestedInput> inputs = read.stream().map(i -> IngestedInput.of(i, i.length(), 1_700_000_000_000L, null)).toList();
    publisher.publish(Publisher.Request.of(output, runId, OWNER, targets(mode)).withInputs(inputs), participant);
    return "published " + String.join(",", read);
  }

  static void stage(Path out, String runId, String name, String file, String content) throws IOException {
    stage(out.toString(), runId, name, file, content);
  }

  /** Writes {@code content} as a staged file of run {@code runId}, sink {@code name}. */
  static void stage(String output, String runId, String name, String file, String content) throws IOException {
    ResourceId f = Layout.staging(output, runId, name).resolve(file, StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(f, MimeTypes.TEXT))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }
}
