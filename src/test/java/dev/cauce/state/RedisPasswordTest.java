package dev.cauce.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.fail;

import dev.cauce.e2e.PrivateRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A Redis state store that requires a password (a private redis-server with requirepass on a free
 * port): a wrong or missing password gets its own advice, the password can come from
 * CAUCE_REDIS_PASSWORD (not visible in ps), and one inside --stateStore works but warns.
 */
public class RedisPasswordTest {
  static final String PASSWORD = "pw-7f3a9c";
  @ClassRule public static final PrivateRedis.Resource server = PrivateRedis.withPassword(PASSWORD);

  private String uri(String userInfo) {
    return "redis://" + userInfo + "127.0.0.1:" + server.port() + "/0?prefix=pwtest:";
  }

  private static IllegalStateException refused(String uri, Map<String, String> env) {
    try {
      StateStores.open(uri, env::get, w -> {}).close();
      fail("expected the store to refuse " + uri);
      return null;
    } catch (IllegalStateException e) {
      return e;
    }
  }

  @Test
  public void aWrongPasswordIsSaidToBeWrongNotThatRedisIsDown() {
    IllegalStateException e = refused(uri(":wrong-one@"), Map.of());
    assertThat(e.getMessage(), allOf(
        containsString("the Redis state store redis://127.0.0.1:" + server.port() + "/0 (keys pwtest:*) refused the"
            + " password given in --stateStore (WRONGPASS"),
        containsString("check the password"),
        not(containsString("Start Redis")), not(containsString("wrong-one"))));
    IllegalStateException fromEnv = refused(uri(""), Map.of("CAUCE_REDIS_PASSWORD", "wrong-two"));
    assertThat(fromEnv.getMessage(), allOf(containsString("refused the password given in CAUCE_REDIS_PASSWORD (WRONGPASS"),
        containsString("check the password"), not(containsString("Start Redis")), not(containsString("wrong-two"))));
  }

  @Test
  public void aMissingPasswordSaysWhereToGiveIt() {
    IllegalStateException e = refused(uri(""), Map.of());
    assertThat(e.getMessage(), allOf(containsString("requires a password (NOAUTH"),
        containsString("set it in the environment variable CAUCE_REDIS_PASSWORD"), not(containsString("Start Redis"))));
  }

  @Test
  public void aPasswordFromTheEnvironmentOpensTheStoreWithoutAWarning() {
    List<String> warnings = new ArrayList<>();
    try (StateStore store = StateStores.open(uri(""), Map.of("CAUCE_REDIS_PASSWORD", PASSWORD)::get, warnings::add)) {
      assertThat(store.pipelines().size(), equalTo(0));
      assertThat(store.describe(), not(containsString(PASSWORD)));
    }
    assertThat(warnings.size(), equalTo(0));
  }

  @Test
  public void aPasswordInTheUriStillWorksButWarnsThatPsShowsIt() {
    for (String userInfo : List.of(":" + PASSWORD + "@", PASSWORD + "@", "default:" + PASSWORD + "@")) {
      List<String> warnings = new ArrayList<>();
      try (StateStore store = StateStores.open(uri(userInfo), Map.<String, String>of()::get, warnings::add)) {
        assertThat(store.pipelines().size(), equalTo(0));
      }
      assertThat(userInfo, warnings, equalTo(List.of("the Redis password is written in --stateStore, where the process"
          + " list (ps) shows it to every user of this machine; set the environment variable CAUCE_REDIS_PASSWORD"
          + " instead")));
    }
  }

  @Test
  public void aPasswordForARedisWithoutOneIsSaidToBeUnexpected() {
    // the machine's test Redis (RedisTesting) has no password
    IllegalStateException e = refused(RedisTesting.uri("pwtest:"), Map.of("CAUCE_REDIS_PASSWORD", "stray"));
    assertThat(e.getMessage(), allOf(containsString("has no password set, but one was given in CAUCE_REDIS_PASSWORD"),
        not(containsString("Start Redis")), not(containsString("stray"))));
  }

  @Test
  public void aDownRedisStillGetsStartRedis() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // nothing listens there once closed
    }
    IllegalStateException e = refused("redis://127.0.0.1:" + port + "/0", Map.of());
    assertThat(e.getMessage(), containsString("Start Redis"));
  }
}
