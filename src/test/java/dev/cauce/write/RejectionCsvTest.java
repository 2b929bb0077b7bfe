package dev.cauce.write;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.cauce.model.Rejection;
import dev.cauce.model.Violation;
import java.util.List;
import org.junit.Test;

public class RejectionCsvTest {
  @Test
  public void headerAndLine() {
    assertThat(RejectionCsv.header(), is("run_id,pipeline,stage,reason,rule,field,message,source,line,raw,reasons,error_count"));
    Rejection r =
        new Rejection("r1", "orders", "validate", "/in/a.csv", 12, "A-1,\"x, y\",-3", "id,name,amount",
            List.of(
                new Violation("amount_positive", "range", "amount", "amount -3 is below 0"),
                Violation.of("other", "line\nbreak")));
    assertThat(
        new RejectionCsv().format(r),
        is("r1,orders,validate,amount_positive,range,amount,amount -3 is below 0,/in/a.csv,12,"
            + "\"A-1,\"\"x, y\"\",-3\",amount_positive|other,2"));
  }

  @Test
  public void nullsAreEmpty() {
    Rejection r = new Rejection("r1", "p", "parse", "s", 1, "{", null, List.of(Violation.of("malformed_json", null)));
    assertThat(new RejectionCsv().format(r), is("r1,p,parse,malformed_json,,,,s,1,{,malformed_json,1"));
  }
}
