package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cauce.ExitCode;
import dev.cauce.repair.HospitalLike;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Cell-repair quality on a hospital-like dataset ({@link HospitalLike}: 1,000 rows × 15 columns,
 * 5% of the cells but the score corrupted by a one-character typo): cauce's dependencies repair the
 * dirty copy; each published cell is compared with the clean copy. Precision: repaired cells now
 * right / cells repaired; recall: corrupted cells now right / cells corrupted. The figures are exact
 * (a fixed seed) and printed; README "Functional dependencies" quotes them.
 */
public class HospitalRepairEvaluationTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final String SPEC = """
      name: hospital
      source: {path: IN/*.csv, format: csv}
      schema:
        - {name: provider, type: string}
        - {name: name, type: string}
        - {name: address, type: string}
        - {name: city, type: string}
        - {name: state, type: string}
        - {name: zip, type: string}
        - {name: county, type: string}
        - {name: phone, type: string}
        - {name: type, type: string}
        - {name: owner, type: string}
        - {name: emergency, type: string}
        - {name: measure, type: string}
        - {name: measure_name, type: string}
        - {name: condition, type: string}
        - {name: score, type: string}
        - {name: row, type: int}
      dependencies:
        - {name: provider, determinant: [provider], dependent: [name, address, zip, phone, type, owner, emergency]}
        - {name: zip, determinant: [zip], dependent: [city, state, county]}
        - {name: measure, determinant: [measure], dependent: [measure_name, condition]}
      """;

  @Test
  public void majorityRepairOnAHospitalLikeDataset() throws IOException {
    HospitalLike.Data data = HospitalLike.generate(15, 100, 10, 0.05);
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    // a row number column, so each published row finds its clean copy
    StringBuilder csv = new StringBuilder(String.join(",", HospitalLike.COLUMNS)).append(",row\n");
    for (int i = 0; i < data.dirty().size(); i++) {
      csv.append(String.join(",", data.dirty().get(i))).append(',').append(i).append('\n');
    }
    Files.writeString(in.resolve("hospital.csv"), csv);
    Path spec = tmp.getRoot().toPath().resolve("hospital.yaml");
    Files.writeString(spec, SPEC.replace("IN", in.toString()));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "h-1", "--spec=" + spec);
    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 1000 = written 1000 + rejected 0 + duplicates 0  OK"));

    ObjectMapper json = new ObjectMapper();
    int repaired = 0;
    int repairedRight = 0;
    int corruptedRight = 0;
    Map<String, Integer> wrongByField = new HashMap<>();
    for (String line : CauceRun.published(run.output.resolve("hospital"))) {
      JsonNode r = json.readTree(line);
      int row = r.get("row").asInt();
      for (int c = 0; c < HospitalLike.COLUMNS.size(); c++) {
        String now = r.get(HospitalLike.COLUMNS.get(c)).asText();
        String was = data.dirty().get(row)[c];
        String clean = data.clean().get(row)[c];
        if (!now.equals(was)) {
          repaired++;
          if (now.equals(clean)) {
            repairedRight++;
          } else {
            wrongByField.merge(HospitalLike.COLUMNS.get(c), 1, Integer::sum);
          }
        }
        if (!was.equals(clean) && now.equals(clean)) {
          corruptedRight++;
        }
      }
    }
    double precision = (double) repairedRight / repaired;
    double recall = (double) corruptedRight / data.corrupted();
    double f1 = 2 * precision * recall / (precision + recall);
    System.out.printf(Locale.ROOT, "hospital-like: %d cells corrupted, %d repaired, %d right; precision %.3f recall %.3f F1 %.3f;"
        + " wrong repairs by field %s%n", data.corrupted(), repaired, repairedRight, precision, recall, f1, wrongByField);
    assertThat(CauceRun.published(run.output.resolve("repairs")).size(), equalTo(repaired));
    assertThat(List.of(data.corrupted(), repaired, repairedRight, corruptedRight), equalTo(List.of(706, 604, 604, 604))); // precision 1.000, recall 0.856, F1 0.922
  }
}
