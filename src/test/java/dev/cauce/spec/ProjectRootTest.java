package dev.cauce.spec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.state.StateStores;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

/** Where a spec's relative paths and the default state store resolve, whatever the working directory. */
public class ProjectRootTest {
  @Test
  public void aSpecInAPipelinesFolderBelongsToThatFoldersParent() {
    assertThat(ProjectRoot.of(Path.of("/srv/etl/pipelines/orders.yaml"), null).dir(), equalTo(Path.of("/srv/etl")));
    assertThat(ProjectRoot.of(Path.of("pipelines/orders.yaml"), null).dir(), equalTo(Path.of("").toAbsolutePath()));
  }

  @Test
  public void aSpecElsewhereBelongsToItsOwnFolderAndBaseDirWins() {
    assertThat(ProjectRoot.of(Path.of("/srv/etl/specs/orders.yaml"), null).dir(), equalTo(Path.of("/srv/etl/specs")));
    assertThat(ProjectRoot.of(Path.of("/srv/etl/pipelines/orders.yaml"), "/data/project").dir(), equalTo(Path.of("/data/project")));
    assertThat(ProjectRoot.of(Path.of("/srv/etl/pipelines/orders.yaml"), "").dir(), equalTo(Path.of("/srv/etl")));
  }

  @Test
  public void relativePathsResolveAgainstTheRootAbsoluteOnesAndUrisStay() {
    ProjectRoot root = new ProjectRoot(Path.of("/srv/etl"));
    assertThat(root.resolve("pipelines/data/orders/orders-*.jsonl*"), equalTo("/srv/etl/pipelines/data/orders/orders-*.jsonl*"));
    assertThat(root.resolve("out/../out/orders"), equalTo("/srv/etl/out/orders"));
    assertThat(root.resolve("/data/in/*.csv"), equalTo("/data/in/*.csv"));
    assertThat(root.resolve("gs://bucket/in/*.jsonl"), equalTo("gs://bucket/in/*.jsonl"));
    assertThat(root.resolve(null), equalTo(null));
  }

  @Test
  public void theDefaultStateStoreIsTheProjectsUnlessCauceStateDirIsSet() {
    Path home = Path.of("/srv/etl");
    assertThat(StateStores.defaultDir(home, Map.<String, String>of()::get), equalTo(Path.of("/srv/etl/.cauce/state")));
    assertThat(StateStores.defaultDir(home, Map.of("CAUCE_STATE_DIR", "/var/cauce")::get), equalTo(Path.of("/var/cauce")));
  }
}
