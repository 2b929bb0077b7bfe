package dev.cauce.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The reason codes of the ingest, parse and clean stages. Validation reasons are rule names. These
 * strings are a public contract: they appear in dead letters, counters, reports and quality limits.
 */
public final class Reasons {
  private Reasons() {}

  /**
   * Every reason code declared below, in declaration order: the public static final String
   * constants of this class are the one source of truth.
   */
  public static List<String> all() {
    return Holder.ALL;
  }

  private static final class Holder {
    static final List<String> ALL = collect();

    private static List<String> collect() {
      List<String> codes = new ArrayList<>();
      for (Field f : Reasons.class.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
          try {
            codes.add((String) f.get(null));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return List.copyOf(codes);
    }
  }

  // ingest
  /** The record's bytes are not valid UTF-8. */
  public static final String INVALID_UTF8 = "invalid_utf8";
  /** The record is longer than --maxRecordBytes; its raw text is truncated in the dead letter. */
  public static final String RECORD_TOO_LONG = "record_too_long";
  /**
   * A CSV quoted field not closed within the multi-line bounds (csv {@code max_quoted_lines},
   * {@code max_quoted_bytes}) or by the end of the input: the record's first line is rejected and
   * reading resumes at the line after it.
   */
  public static final String UNTERMINATED_QUOTE = "unterminated_quote";
  /** The rest of a file could not be read (corrupt compression, I/O error); the line is where it stopped. */
  public static final String UNREADABLE_INPUT = "unreadable_input";
  /**
   * An HTTP source's page that stayed unusable after retries: not JSON, not valid UTF-8, or without an
   * array at the records pointer. One rejection per page; its source is the page's URL.
   */
  public static final String MALFORMED_PAGE = "malformed_page";

  // parse
  /** The record contains a NUL (U+0000) character. */
  public static final String NUL_BYTE = "nul_byte";
  /** Not well-formed JSON: truncated, trailing garbage, NaN/Infinity literals, bad escapes. */
  public static final String MALFORMED_JSON = "malformed_json";
  /** Well-formed JSON that is not an object (an array, a string, a number...). */
  public static final String NOT_AN_OBJECT = "not_an_object";
  /** JSON nested deeper than the parser allows. */
  public static final String NESTING_TOO_DEEP = "nesting_too_deep";
  /** A schema field holds an object or array where a scalar value was expected. */
  public static final String NOT_A_SCALAR = "not_a_scalar";
  /** A CSV record whose column count differs from the header's. */
  public static final String COLUMN_COUNT = "column_count";
  /** A CSV record that cannot be parsed (e.g. a quote inside a quoted field that is not doubled). */
  public static final String MALFORMED_CSV = "malformed_csv";
  /** A CSV record whose file's header does not fit the schema under the spec's header policy (see HeaderCheck). */
  public static final String HEADER_MISMATCH = "header_mismatch";
  /**
   * A JSON object gives a key twice (at any depth): rejected unless {@code source.duplicate_keys} is
   * {@code first} or {@code last}, which keep that value and count this as a warning.
   */
  public static final String DUPLICATE_KEY = "duplicate_key";
  /** A schema field's value holds an unpaired UTF-16 surrogate (e.g. a JSON escape of U+D800 alone): not Unicode text. */
  public static final String INVALID_UNICODE = "invalid_unicode";

  // clean (cleaning steps and conversion to the field's type)
  public static final String INVALID_NUMBER = "invalid_number";
  /** A number that does not fit its type (int/long overflow, a double beyond range). */
  public static final String NUMBER_OUT_OF_RANGE = "number_out_of_range";
  /** NaN or Infinity given for a numeric field. */
  public static final String NON_FINITE_NUMBER = "non_finite_number";
  public static final String INVALID_BOOLEAN = "invalid_boolean";
  /** Text that matches none of the date formats, or an impossible date (2023-02-30). */
  public static final String INVALID_DATE = "invalid_date";
  public static final String INVALID_TIMESTAMP = "invalid_timestamp";
  /** A cleaning step failed at run time (e.g. a regex that overflows the stack or exceeds its work budget). */
  public static final String CLEAN_FAILED = "clean_failed";
  /** A derived field's expression failed, or its result does not fit the field's type. */
  public static final String DERIVE_FAILED = "derive_failed";
  /**
   * A field's {@code lookup} found no row of its reference for the record's key, and the lookup
   * says {@code on_missing: reject} (else the field stays null and {@code lookup_missed.<field>} counts it).
   */
  public static final String LOOKUP_MISSED = "lookup_missed";
}
