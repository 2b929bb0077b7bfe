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
}
