package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class RowCsvTest {
  private final RowCsv csv = new RowCsv(TestSpecs.schema());

  @Test
  public void headerIsTheFieldNames() {
    assertThat(csv.header(), is("id,qty,big,ratio,amount,paid,day,at"));
    assertThat(RowCsv.header(TestSpecs.schema()), is("id,qty,big,ratio,amount,paid,day,at"));
  }

  @Test
  public void everyTypeWithTheJsonTextForms() {
    assertThat(
        csv.format(TestSpecs.full()),
        is("A-1,3,9007199254740993,0.25,12.50,true,2024-01-05,2024-01-05T10:00:00.000Z"));
  }

  @Test
  public void nullsAreEmpty() {
    assertThat(csv.format(TestSpecs.nulls()), is("B-2,,,,,,,"));
  }

  @Test
  public void decimalsAreExactWithoutExponent() {
    assertThat(
        csv.format(TestSpecs.row("x", null, null, 1.0E-7, "1E+3", false, null, null)),
        is("x,,,1.0E-7,1000,false,,"));
    assertThat(
        csv.format(TestSpecs.row("x", null, null, null, "-0.000000000000000000000001", null, null, null)),
        is("x,,,,-0.000000000000000000000001,,,"));
  }

  @Test
  public void quotesOnlyWhenNeeded() {
    assertThat(csv.format(id("plain text with spaces")), is("plain text with spaces,,,,,,,"));
    assertThat(csv.format(id("a,b")), is("\"a,b\",,,,,,,"));
    assertThat(csv.format(id("say \"hi\"")), is("\"say \"\"hi\"\"\",,,,,,,"));
    assertThat(csv.format(id("two\nlines")), is("\"two\nlines\",,,,,,,"));
    assertThat(csv.format(id("cr\rhere")), is("\"cr\rhere\",,,,,,,"));
    assertThat(csv.format(id("crlf\r\nhere")), is("\"crlf\r\nhere\",,,,,,,"));
    assertThat(csv.format(id("ñandú 日本 😀")), is("ñandú 日本 😀,,,,,,,"));
    assertThat(csv.format(id("")), is(",,,,,,,"));
  }

  @Test
  public void linesParseBackToTheSameValues() throws Exception {
    String[] ids = {"a,b", "lone\rcr", "", "say \"hi\"", "two\r\nlines", "ñandú, 日本", "#hash", " padded "};
    StringBuilder doc = new StringBuilder(csv.header()).append('\n');
    for (String s : ids) {
      doc.append(csv.format(id(s))).append('\n');
    }
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(doc.toString())) {
      List<List<String>> rows = it.readAll();
      assertThat(rows.size(), is(ids.length + 1));
      for (int i = 0; i < ids.length; i++) {
        assertThat(rows.get(i + 1).get(0), is(ids[i]));
        assertThat(rows.get(i + 1).size(), is(8));
      }
    }
  }

  @Test
  public void headerNamesAreQuotedLikeValues() {
    Schema s = Schema.builder().addNullableField("a", Schema.FieldType.STRING).addNullableField("n", Schema.FieldType.INT32).build();
    RowCsv two = new RowCsv(s);
    assertThat(two.header(), is("a,n"));
    assertThat(two.format(Row.withSchema(s).addValues("x", 1).build()), is("x,1"));
  }

  private static Row id(String id) {
    return TestSpecs.row(id, null, null, null, null, null, null, null);
  }
}
