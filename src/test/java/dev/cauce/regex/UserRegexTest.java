package dev.cauce.regex;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** The one compiler of user regexes: linear-time matching, refusals with reasons, replacements. */
public class UserRegexTest {

  @Test
  public void invalidRegexesKeepJavasDescription() {
    assertThat(UserRegex.problem("[a-z"), is("invalid regex \"[a-z\": Unclosed character class near index 3"));
    assertThat(UserRegex.problem("^[A-Z]{3}$"), is(nullValue()));
    assertThat(UserRegex.problem("(?P<year>\\d{4})"), is(nullValue())); // RE2 syntax Java lacks is fine
  }

  @Test
  public void backtrackingFeaturesAreRefusedWithTheirName() {
    assertThat(UserRegex.problem("(\\w)\\1"), startsWith("regex \"(\\w)\\1\" is not supported: a backreference (`\\1`)"));
    assertThat(UserRegex.problem("(?<y>a)\\k<y>"), startsWith("regex \"(?<y>a)\\k<y>\" is not supported: a backreference"));
    assertThat(UserRegex.problem("x(?!y)"), startsWith("regex \"x(?!y)\" is not supported: a lookahead (`(?!`)"));
    assertThat(UserRegex.problem("(?<=y)x"), startsWith("regex \"(?<=y)x\" is not supported: a lookbehind"));
    assertThat(UserRegex.problem("a*+"), startsWith("regex \"a*+\" is not supported: a possessive quantifier (`*+`)"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserRegex.compile("(?>a)", false));
    assertThat(e.getMessage(), startsWith("regex \"(?>a)\" is not supported: an atomic group"));
  }

  @Test
  public void matchingIsLinearOnPatternsThatBacktrackInJava() {
    assertThat(UserRegex.compile("^(a|aa){1,100}$", false).matcher("a".repeat(60) + "b").matches(), is(false));
    String big = "a".repeat(500_000) + "b";
    int matched = 0;
    for (int i = 0; i < 20; i++) {
      matched += UserRegex.compile("(a+)+$", false).matcher(big).matches() ? 1 : 0;
    }
    assertThat(matched, is(0));
    assertThat(UserRegex.compile("(a+)+b", false).matcher(big).matches(), is(true));
  }

  @Test
  public void ignoreCaseFoldsUnicode() {
    assertThat(UserRegex.compile("émile", true).matcher("ÉMILE").matches(), is(true));
    assertThat(UserRegex.compile("émile", false).matcher("ÉMILE").matches(), is(false));
  }

  @Test
  public void cachedPatternsAreCompiledOnce() {
    assertThat(UserRegex.cached("^x+$"), sameInstance(UserRegex.cached("^x+$")));
    assertThrows(IllegalArgumentException.class, () -> UserRegex.cached("(a)\\1"));
  }

  @Test
  public void replacementsNameOnlyGroupsTheRegexHas() {
    String r = "(\\w+)@(?<host>.*)";
    assertThat(UserRegex.replacementProblem(r, "$1 at ${host} costs \\$2"), is(nullValue()));
    assertThat(UserRegex.replacementProblem(r, "$3"),
        is("invalid replacement \"$3\" for regex \"" + r + "\": No group 3 (the regex has 2) (write \\$ for a literal $)"));
    assertThat(UserRegex.replacementProblem(r, "${domain}"), startsWith("invalid replacement \"${domain}\" for regex \""
        + r + "\": No group with name {domain}"));
    assertThat(UserRegex.replacementProblem(r, "5$"), startsWith("invalid replacement \"5$\" for regex \"" + r
        + "\": $ must be followed by a group number or {name}"));
    assertThat(UserRegex.replacementProblem(r, "x\\"), startsWith("invalid replacement \"x\\\" for regex \"" + r + "\": ends with \\"));
    assertThat(UserRegex.compile(r, false).matcher("ann@x.org").replaceAll("$1 at ${host} costs \\$2"), is("ann at x.org costs $2"));
  }
}
