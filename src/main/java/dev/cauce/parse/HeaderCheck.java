package dev.cauce.parse;

import dev.cauce.spec.PipelineSpec.HeaderPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A CSV header's column names against the schema's fields, under the spec's {@link HeaderPolicy}:
 * the one place header drift is decided. The plan checks every input file's header with it before
 * the job ({@code ingest.InputHeaders}), and the parser ({@link RecordParser}) every header a record
 * carries, so a refused file's records are rejected ({@code header_mismatch}) even when the plan did
 * not see the file.
 *
 * <ul>
 *   <li>A schema field the header lacks: refused ({@code missing_columns: refuse}, the default), or
 *       filled with null, then the field's default ({@code fill}), and reported.
 *   <li>A header column that is no schema field: ignored and reported ({@code extra_columns:
 *       ignore}, the default), or refused ({@code refuse}).
 *   <li>A missing field and an extra column whose names match ignoring case, {@code _}, {@code -}
 *       and spaces ({@code vendor_id} and {@code VendorID}) are reported as both, with a hint.
 *   <li>{@code column_order: strict}: the schema fields present must come in the schema's order
 *       (extra columns may sit anywhere); {@code any} (the default) matches columns by name.
 * </ul>
 *
 * A schema field named twice in a header is refused whatever the policy: which value it takes would
 * be a guess. An extra column named twice counts once.
 */
public final class HeaderCheck {
  private HeaderCheck() {}

  /**
   * What a header differs by: the schema fields it lacks, its columns that are no schema field (in
   * header order), one line per problem (each naming the policy that decides it), and whether the
   * file is refused.
   */
  public record Result(List<String> missing, List<String> extra, List<String> problems, boolean refused, List<String> toAllow) {
    public Result {
      missing = List.copyOf(missing);
      extra = List.copyOf(extra);
      problems = List.copyOf(problems);
      toAllow = List.copyOf(toAllow);
    }

    /** Nothing to report: the header has exactly the schema's fields (in an order the policy allows). */
    public boolean clean() {
      return problems.isEmpty();
    }

    /** Why the file is refused and what to do, in one line (for the plan's problem and each rejected record). */
    public String refusal() {
      return "its CSV header does not fit the schema: " + String.join("; ", problems) + "; fix the file's header"
          + (toAllow.isEmpty() ? "" : ", or change source.csv in the spec (" + String.join(", ", toAllow) + ")");
    }
  }

  /** A header line that cannot be matched at all (malformed, unreadable): reported, its records rejected as they are read. */
  public static Result unusable(String why) {
    return new Result(List.of(), List.of(), List.of(why), false, List.of());
  }

  /**
   * Checks {@code header} (the column names, trimmed) against {@code fields} (the schema's names in
   * order) under {@code policy}.
   */
  public static Result check(List<String> header, List<String> fields, HeaderPolicy policy) {
    Set<String> columns = new LinkedHashSet<>(header);
    Set<String> schema = new LinkedHashSet<>(fields);
    List<String> missing = fields.stream().filter(f -> !columns.contains(f)).toList();
    List<String> extra = columns.stream().filter(c -> !schema.contains(c)).toList();
    List<String> problems = new ArrayList<>();
    List<String> toAllow = new ArrayList<>();
    if (!missing.isEmpty()) {
      problems.add("lacks " + columns(missing) + (policy.fillMissing()
          ? ": filled with null or the field's default (missing_columns: fill)" : " (missing_columns: refuse)"));
      if (!policy.fillMissing()) {
        toAllow.add("missing_columns: fill");
      }
    }
    if (!extra.isEmpty()) {
      problems.add("has extra " + columns(extra) + (policy.refuseExtra() ? " (extra_columns: refuse)" : ": ignored (extra_columns: ignore)"));
      if (policy.refuseExtra()) {
        toAllow.add("extra_columns: ignore");
      }
    }
    for (String field : missing) {
      extra.stream().filter(c -> loose(c).equals(loose(field))).findFirst().ifPresent(c -> problems.add(
          "header has " + quote(c) + " where the schema expects " + quote(field) + ": rename the column in the file or the field in the schema"));
    }
    if (policy.strictOrder()) {
      List<String> present = columns.stream().filter(schema::contains).toList();
      List<String> expected = fields.stream().filter(columns::contains).toList();
      if (!present.equals(expected)) {
        problems.add("columns are out of the schema's order: " + names(present) + " where the schema has " + names(expected)
            + " (column_order: strict)");
        toAllow.add("column_order: any");
      }
    }
    List<String> twice = schema.stream().filter(f -> header.stream().filter(f::equals).count() > 1).toList();
    for (String field : twice) {
      problems.add("names column " + quote(field) + " " + header.stream().filter(field::equals).count()
          + " times: which value the field takes is ambiguous");
    }
    return new Result(missing, extra, problems, !toAllow.isEmpty() || !twice.isEmpty(), toAllow);
  }

  /** A name with case, underscores, hyphens and spaces ignored: how a renamed column is recognised. */
  private static String loose(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[_\\- ]", "");
  }

  private static String columns(List<String> names) {
    return (names.size() == 1 ? "column " : "columns ") + names(names);
  }

  private static String names(List<String> names) {
    return names.stream().map(HeaderCheck::quote).collect(Collectors.joining(", "));
  }

  private static String quote(String name) {
    return "`" + name + "`" + (name.isEmpty() ? " (empty)" : "");
  }
}
