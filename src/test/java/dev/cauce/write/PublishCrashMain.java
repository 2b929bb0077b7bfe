package dev.cauce.write;

import dev.cauce.spec.PipelineSpec.WriteMode;
import dev.cauce.write.Commit.IngestedInput;
import dev.cauce.write.Publisher.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One run's finish as the driver does it, small enough to run in its own JVM and be killed there
 * ({@link PublishCrashTest}): recover the output folder, choose the inputs from the live ledger
 * (all of them when a sink is overwrite, the new ones when all append, none when nothing is new),
 * stage what the job would write for them (two JSON Lines shards, one CSV file, one dead-letter
 * file), publish. Every input gives the same rows whatever the run, so datasets compare exactly.
 *
 * <p>{@code main(output, runId, overwrite|append, input,input...)}; exits 0 when done.
 */
public final class PublishCrashMain {
  static final String OWNER = "crash";
  static final List<String> SINKS = List.of("orders", "orders_csv", "rejected");

  private PublishCrashMain() {}

  public static void main(String[] args) throws IOException {
    WriteMode mode = WriteMode.valueOf(args[2].toUpperCase(Locale.ROOT));
    System.out.println(run(Path.of(args[0]), args[1], mode, List.of(args[3].split(","))));
    System.exit(0);
  }

  static List<Target> targets(WriteMode mode) {
    return List.of(new Target("orders", mode), new Target("orders_csv", mode), Target.deadLetter("rejected", mode));
  }

  /** Runs the finish of run {@code runId} over the inputs {@code matched}; says what it did. */
  static String run(Path out, String runId, WriteMode mode, List<String> matched) throws IOException {
    String output = out.toString();
    Publisher publisher = new Publisher();
    publisher.recover(output, OWNER);
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
      stage(out, runId, "orders", Layout.fileName(runId, s, 2, ".jsonl"), shards[s].toString());
    }
    stage(out, runId, "orders_csv", Layout.fileName(runId, 0, 1, ".csv"), csv.toString());
    stage(out, runId, "rejected", Layout.fileName(runId, 0, 1, ".jsonl"), rejected.toString());
    List<IngestedInput> inputs = read.stream().map(i -> IngestedInput.of(i, i.length(), 1_700_000_000_000L, null)).toList();
    publisher.publish(Publisher.Request.of(output, runId, OWNER, targets(mode)).withInputs(inputs));
    return "published " + String.join(",", read);
  }

  static void stage(Path out, String runId, String name, String file, String content) throws IOException {
    Path dir = out.resolve(Layout.STAGING).resolve(runId).resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
  }
}
