package dev.cauce.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.Test;

public class UnicodeTest {
  @Test
  public void wellFormedTextHasNoUnpairedSurrogate() {
    assertThat(Unicode.unpairedSurrogate(""), is(-1));
    assertThat(Unicode.unpairedSurrogate("plain ascii"), is(-1));
    assertThat(Unicode.unpairedSurrogate("ñandú 😀 e\u0301 \uFFFF \uD83D\uDE00x"), is(-1));
    assertThat(Unicode.unpairedSurrogate("\uDBFF\uDFFF"), is(-1)); // U+10FFFF
  }

  @Test
  public void everyKindOfUnpairedSurrogateIsFoundAtItsIndex() {
    assertThat(Unicode.unpairedSurrogate("\uD800"), is(0));
    assertThat(Unicode.unpairedSurrogate("ab\uD800c"), is(2));
    assertThat(Unicode.unpairedSurrogate("abc\uD83D"), is(3)); // high at the end
    assertThat(Unicode.unpairedSurrogate("a\uDC00"), is(1)); // low without a high
    assertThat(Unicode.unpairedSurrogate("\uDE00\uD83D"), is(0)); // a reversed pair
    assertThat(Unicode.unpairedSurrogate("\uD83D\uD83D\uDE00"), is(0)); // two highs: the first is alone
    assertThat(Unicode.unpairedSurrogate("\uD83D\uDE00\uDE00"), is(2));
  }

  @Test
  public void codePointsAreShownAsUPlus() {
    assertThat(Unicode.codePoint('\uD800'), is("U+D800"));
    assertThat(Unicode.codePoint('\u00e9'), is("U+00E9"));
  }
}
