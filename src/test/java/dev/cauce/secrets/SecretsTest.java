package dev.cauce.secrets;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

public class SecretsTest {
  @Test
  public void masksOptionsWithSecretNames() {
    assertThat(Secrets.maskOption("jdbcPassword", "hunter2"), equalTo("****"));
    assertThat(Secrets.maskOption("apiToken", "abc"), equalTo("****"));
    assertThat(Secrets.maskOption("output", "out/x"), equalTo("out/x"));
  }

  @Test
  public void masksPasswordsInsideUrls() {
    assertThat(Secrets.maskText("jdbc:postgresql://bob:s3cret@127.0.0.1:5432/test"),
        equalTo("jdbc:postgresql://bob:****@127.0.0.1:5432/test"));
    assertThat(Secrets.maskText("jdbc:postgresql://h/db?user=bob&password=s3cret&ssl=true"),
        equalTo("jdbc:postgresql://h/db?user=bob&password=****&ssl=true"));
    assertThat(Secrets.maskText("no secrets here"), equalTo("no secrets here"));
  }

  @Test
  public void masksEveryFormOfARedisPassword() {
    // a Redis URI's user info without a colon is the password itself (redis://password@host)
    assertThat(Secrets.maskText("--stateStore=redis://s3cret@127.0.0.1:6379/0"), equalTo("--stateStore=redis://****@127.0.0.1:6379/0"));
    assertThat(Secrets.maskText("redis://:s3cret@h:6379/0"), equalTo("redis://:****@h:6379/0"));
    assertThat(Secrets.maskText("redis://alice:s3cret@h/0"), equalTo("redis://alice:****@h/0"));
    assertThat(Secrets.maskText("redis://h:6379/0?prefix=x:"), equalTo("redis://h:6379/0?prefix=x:"));
  }
}
