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
  public void patternsThatWouldBlowUpTheCompilerAreRefusedBeforeCompiling() {
    // Compiled as they are, the first overflowed the stack after 40 s and the second ran out of memory after 517 s.
    assertThat(UserRegex.problem("(".repeat(100_000) + ")".repeat(100_000)),
        is("regex \"" + "(".repeat(60) + "...\" has 200000 characters; the limit is 1000"));
    assertThat(UserRegex.problem("((a{1000}){1000}){1000}"),
        is("regex \"((a{1000}){1000}){1000}\" is too large: its repetitions expand to more than 2000 steps"));
    assertThat(UserRegex.problem("(".repeat(101) + "a" + ")".repeat(101)),
        is("regex \"" + "(".repeat(60) + "...\" nests groups more than 100 deep"));
    assertThat(UserRegex.problem("x".repeat(1_001)), startsWith("regex \"" + "x".repeat(60) + "...\" has 1001 characters"));
    assertThrows(IllegalArgumentException.class, () -> UserRegex.compile("(a|b){1,999}c", false));
    for (String fine : new String[] {"a{1000}", "(((a{10}){10}){10})", "\\x{41}{3}\\p{Greek}{2}", "[]a{}]{3}", "x{,5}",
        "(".repeat(100) + "a" + ")".repeat(100), "[[:alpha:]{}]+"}) {
      assertThat(fine, UserRegex.problem(fine), is(nullValue()));
    }
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
