package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.cauce.ExitCode;
import java.nio.file.Path;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What the command line says about a Redis state store's password (a private Redis with requirepass). */
public class RedisPasswordCliTest {
  static final String PASSWORD = "cli-pw-91b2";
  @ClassRule public static final PrivateRedis.Resource server = PrivateRedis.withPassword(PASSWORD);

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private CauceRun dryRun(String userInfo) {
    Path out = tmp.getRoot().toPath().resolve("out");
    return CauceRun.run(out, "pw-1", "--spec=pipelines/orders.yaml", "--dryRun=true",
        "--stateStore=redis://" + userInfo + "127.0.0.1:" + server.port() + "/0?prefix=pwcli:");
  }

  @Test
  public void aWrongPasswordExitsTwoAdvisingToCheckIt() {
    CauceRun run = dryRun(":not-it@");
    assertThat(run.toString(), run.code, equalTo(ExitCode.USAGE));
    assertThat(run.stderr, allOf(containsString("cauce: --stateStore: the Redis state store redis://127.0.0.1:"
            + server.port() + "/0 (keys pwcli:*) refused the password given in --stateStore (WRONGPASS"),
        containsString("check the password"), not(containsString("Start Redis")), not(containsString("not-it"))));
  }

  @Test
  public void aPasswordInTheUriWorksButTheRunWarnsThatPsShowsIt() {
    CauceRun run = dryRun(PASSWORD + "@");
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stderr, containsString("cauce: warning: --stateStore: the Redis password is written in --stateStore,"
        + " where the process list (ps) shows it to every user of this machine; set the environment variable"
        + " CAUCE_REDIS_PASSWORD instead"));
    assertThat(run.stdout + run.stderr, not(containsString(PASSWORD)));
  }

  @Test
  public void helpNamesThePasswordVariable() {
    CauceRun run = CauceRun.run(tmp.getRoot().toPath(), "x", "--help");
    assertThat(run.stdout, containsString("CAUCE_REDIS_PASSWORD"));
  }
}
