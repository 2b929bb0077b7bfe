package dev.cauce.write.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cauce.model.CauceRecord;
import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import dev.cauce.write.ValueText;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/** How records and rejections become prepared-statement parameters: values only, never SQL text. */
final class Binders {
  private Binders() {}

  /** PostgreSQL text cannot hold U+0000; the dead letter table stores it as U+FFFD (the JSONL dead letter keeps it). */
  static final char NUL_REPLACEMENT = '\uFFFD';

  /** A typed row's fields in schema order, then the record's source and line. */
  static final class RecordBinder implements StageBatchFn.Binder<CauceRecord> {
    private final ValueText.Kind[] kinds;

    RecordBinder(Schema typed) {
      this.kinds = ValueText.kindsOf(typed);
    }

    @Override
    public void bind(PreparedStatement ps, CauceRecord r) throws SQLException {
      Row row = r.row();
      for (int i = 0; i < kinds.length; i++) {
        set(ps, i + 1, kinds[i], row.getValue(i));
      }
      ps.setString(kinds.length + 1, r.origin().source());
      ps.setLong(kinds.length + 2, r.origin().line());
    }
  }

  static void set(PreparedStatement ps, int i, ValueText.Kind kind, Object v) throws SQLException {
    switch (kind) {
      case STRING -> {
        if (v == null) ps.setNull(i, Types.VARCHAR); else ps.setString(i, (String) v);
      }
      case INT -> {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setInt(i, (Integer) v);
      }
      case LONG -> {
        if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, (Long) v);
      }
      case DOUBLE -> {
        if (v == null) ps.setNull(i, Types.DOUBLE); else ps.setDouble(i, (Double) v);
      }
      case DECIMAL -> {
        if (v == null) ps.setNull(i, Types.NUMERIC); else ps.setBigDecimal(i, (BigDecimal) v);
      }
      case BOOLEAN -> {
        if (v == null) ps.setNull(i, Types.BOOLEAN); else ps.setBoolean(i, (Boolean) v);
      }
      case DATE -> {
        if (v == null) ps.setNull(i, Types.DATE); else ps.setObject(i, (LocalDate) v);
      }
      case TIMESTAMP -> {
        if (v == null) {
          ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          ps.setObject(i, OffsetDateTime.ofInstant(Instant.ofEpochMilli(((ReadableInstant) v).getMillis()), ZoneOffset.UTC));
        }
      }
    }
  }

  /** A rejection in {@link JdbcTarget#DEAD_LETTER_COLUMNS} order. */
  static final class RejectionBinder implements StageBatchFn.Binder<Rejection> {
    private transient ObjectMapper json;

    @Override
    public void bind(PreparedStatement ps, Rejection r) throws SQLException {
      if (json == null) {
        json = new ObjectMapper();
      }
      int i = 1;
      ps.setString(i++, text(r.runId()));
      ps.setString(i++, text(r.pipeline()));
      ps.setString(i++, text(r.stage()));
      ps.setString(i++, text(r.reason()));
      ps.setString(i++, text(r.rule()));
      ps.setString(i++, text(r.field()));
      ps.setString(i++, text(r.message()));
      ps.setString(i++, text(r.source()));
      ps.setLong(i++, r.line());
      ps.setString(i++, text(r.raw()));
      ps.setString(i++, text(r.header()));
      ArrayNode errors = json.createArrayNode();
      for (Violation v : r.errors()) {
        ObjectNode o = errors.addObject();
        o.put("reason", text(v.reason()));
        o.put("rule", text(v.rule()));
        o.put("field", text(v.field()));
        o.put("message", text(v.message()));
      }
      ps.setObject(i, errors.toString(), Types.OTHER);
    }

    private static String text(String s) {
      return s == null ? null : s.replace('\u0000', NUL_REPLACEMENT);
    }
  }
}
