package dev.cauce.e2e;

import java.util.List;
import java.util.stream.Stream;

/** The runners an end-to-end test's figures must agree on: Direct, and embedded Flink at parallelism 2. */
final class Runners {
  private Runners() {}

  /** Parameters {name, runner args} for a {@code Parameterized} test; {@code flinkMore} is added to Flink's args. */
  static List<Object[]> directAndFlinkP2(String... flinkMore) {
    String[] flink = Stream.concat(
        Stream.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"),
        Stream.of(flinkMore)).toArray(String[]::new);
    return List.of(
        new Object[] {"direct", new String[] {"--runner=DirectRunner"}},
        new Object[] {flinkMore.length == 0 ? "flink-local-p2" : "flink-local-p2-split", flink});
  }
}
