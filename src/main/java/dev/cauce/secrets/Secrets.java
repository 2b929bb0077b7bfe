package dev.cauce.secrets;

import java.util.regex.Pattern;

/** Masks secrets in option values before they reach logs, reports or error messages. */
public final class Secrets {
  private Secrets() {}

  public static final String MASK = "****";
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(password|passwd|secret|token|credential|apikey|api_key|private|webhook).*");
  private static final Pattern URL_USERINFO = Pattern.compile("(?<=://)([^:/@\\s]*):([^@/\\s]+)@");
  /** redis://password@host: Redis reads user info without a colon as the password. */
  private static final Pattern REDIS_BARE_PASSWORD = Pattern.compile("(?i)(?<=rediss?://)[^:/@\\s]+@");
  private static final Pattern URL_PASSWORD_PARAM = Pattern.compile("(?i)((?:password|pwd|secret|token)=)([^&;\\s]+)");

  /** The value to show for an option: masked whole when its name looks secret, else with URL secrets masked. */
  public static String maskOption(String name, String value) {
    if (value == null) {
      return null;
    }
    if (SECRET_NAME.matcher(name).matches()) {
      return MASK;
    }
    return maskText(value);
  }

  /** Masks passwords inside URLs (user:password@host, password=... parameters) anywhere in a text. */
  public static String maskText(String text) {
    if (text == null) {
      return null;
    }
    String s = URL_USERINFO.matcher(text).replaceAll("$1:" + MASK + "@");
    s = REDIS_BARE_PASSWORD.matcher(s).replaceAll(MASK + "@");
    return URL_PASSWORD_PARAM.matcher(s).replaceAll("$1" + MASK);
  }
}
