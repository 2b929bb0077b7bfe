package dev.cauce.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FinalizePartsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static MatchResult.Metadata meta(String name, long size) {
    return MatchResult.Metadata.builder()
        .setResourceId(FileSystems.matchNewResource("/parts/" + name, false))
        .setSizeBytes(size)
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(0)
        .build();
  }

  private static List<String> names(List<MatchResult.Metadata> file) {
    return file.stream().map(m -> m.resourceId().getFilename()).toList();
  }

  @Test
  public void partsAreSpreadSoFilesGetAboutTheSameBytes() {
    List<List<MatchResult.Metadata>> files =
        FinalizeParts.plan(List.of(meta("a", 100), meta("b", 60), meta("c", 50), meta("d", 10), meta("e", 0)), 2);
    // a → 0 (100); b → 1 (60); c → 1 (110); d → 0 (110); e → 0 (tie: the first); names sorted in a file
    assertThat(names(files.get(0)), contains("a", "d", "e"));
    assertThat(names(files.get(1)), contains("b", "c"));
    List<List<MatchResult.Metadata>> more = FinalizeParts.plan(List.of(meta("a", 5)), 3);
    assertThat(more.stream().map(FinalizePartsTest::names).toList(), contains(List.of("a"), List.of(), List.of()));
  }

  @Test
  public void partsBecomeExactlyNFilesEachWithTheHeaderAndThePartsAreDeleted() throws IOException {
    Path parts = tmp.newFolder("parts").toPath();
    Path target = tmp.newFolder("target").toPath();
    List<String> partNames = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      StringBuilder text = new StringBuilder();
      for (int j = 0; j <= i * 3; j++) {
        text.append("row-").append(i).append('-').append(j).append('\n');
        expected.add("row-" + i + "-" + j);
      }
      Path part = parts.resolve("part-" + i + ".csv");
      Files.writeString(part, text, UTF_8);
      partNames.add(part.toString());
    }

    p.apply(Create.of(partNames)).apply(FinalizeParts.concatenate(target + "/", "run-1", ".csv", 3, "id,n"));
    p.run().waitUntilFinish();

    List<String> files;
    try (Stream<Path> s = Files.list(target)) {
      files = s.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertThat(files, contains("run-1-00000-of-00003.csv", "run-1-00001-of-00003.csv", "run-1-00002-of-00003.csv"));
    List<String> rows = new ArrayList<>();
    for (String f : files) {
      List<String> lines = Files.readAllLines(target.resolve(f), UTF_8);
      assertThat(f, lines.get(0), equalTo("id,n"));
      rows.addAll(lines.subList(1, lines.size()));
    }
    assertThat(rows, containsInAnyOrder(expected.toArray()));
    try (Stream<Path> s = Files.list(parts)) {
      assertThat("parts deleted", s.count(), equalTo(0L));
    }
  }

  @Test
  public void noPartsStillGiveNFiles() throws IOException {
    Path target = tmp.newFolder("target").toPath();
    p.apply(Create.empty(org.apache.beam.sdk.coders.StringUtf8Coder.of()))
        .apply(FinalizeParts.concatenate(target + "/", "run-1", ".jsonl", 2, null));
    p.run().waitUntilFinish();
    try (Stream<Path> s = Files.list(target)) {
      assertThat(s.map(f -> f.getFileName() + ":" + f.toFile().length()).sorted().toList(),
          contains("run-1-00000-of-00002.jsonl:0", "run-1-00001-of-00002.jsonl:0"));
    }
  }

  @Test
  public void renameGivesOneFileAPartAndAnEmptyOutputOneValidFile() throws IOException {
    Path parts = tmp.newFolder("parts").toPath();
    Path target = tmp.newFolder("target").toPath();
    Path empty = tmp.newFolder("empty").toPath();
    List<String> names = new ArrayList<>();
    for (String n : List.of("b", "a")) {
      Path part = parts.resolve(n + ".csv");
      Files.writeString(part, "id,n\n" + n + ",1\n", UTF_8);
      names.add(part.toString());
    }
    BundleFiles.SinkFactory<String> csv = () -> new TextLineSink<String>("id,n", () -> line -> line);
    p.apply("Parts", Create.of(names)).apply("Rename", FinalizeParts.rename(target + "/", "run-1", ".csv", csv, null));
    p.apply("None", Create.empty(org.apache.beam.sdk.coders.StringUtf8Coder.of()))
        .apply("Rename none", FinalizeParts.rename(empty + "/", "run-1", ".csv", csv, null));
    p.run().waitUntilFinish();

    // parts in name order: a.csv is shard 0
    assertThat(Files.readString(target.resolve("run-1-00000-of-00002.csv"), UTF_8), equalTo("id,n\na,1\n"));
    assertThat(Files.readString(target.resolve("run-1-00001-of-00002.csv"), UTF_8), equalTo("id,n\nb,1\n"));
    try (Stream<Path> s = Files.list(parts)) {
      assertThat("parts renamed away", s.count(), equalTo(0L));
    }
    assertThat(Files.readString(empty.resolve("run-1-00000-of-00001.csv"), UTF_8), equalTo("id,n\n"));
  }
}
