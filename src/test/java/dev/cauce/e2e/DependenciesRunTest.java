package dev.cauce.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.cauce.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Functional dependencies end to end on the Direct runner and embedded Flink p=2, with the same
 * figures: zip → city, state repaired by majority (a typo, a wrong state, a null filled in), a tie
 * left unresolved, a group of one, a null zip passing untouched, a rejected record casting no vote,
 * and a repair that makes two records duplicates (dedupe runs after the repair); provider → name
 * detected only ({@code repair: none}). The repairs file is published next to the dead letter.
 */
@RunWith(Parameterized.class)
public class DependenciesRunTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static List<Object[]> runners() {
    return Runners.directAndFlinkP2();
  }

  @Parameter(0)
  public String runnerName;

  @Parameter(1)
  public String[] runnerArgs;

  static final String INPUT = String.join("\n",
      "id,provider,name,zip,city,state,beds",
      "1,P1,Alpha,35233,Birmingham,AL,10", // line 2
      "2,P1,Alpha,35233,Birmingam,AL,10", // 3: city typo → Birmingham: then a duplicate of id 1 (dedupe key: provider, city, beds)
      "3,P2,Beta,35233,Birmingham,AK,20", // 4: state AK → AL
      "4,P2,Betta,35233,,AL,25", // 5: city null → Birmingham; provider P2: names disagree, detected only
      "5,P3,Gamma,36301,Dothan,AL,30", // 6: tie Dothan / Dotham
      "6,P3,Gamma,36301,Dotham,AL,30", // 7
      "7,P4,Delta,99999,Nowhere,ZZ,5", // 8: a group of one
      "8,P5,Eps,,Anytown,AL,7", // 9: null zip: in no group
      "9,P6,Zeta,35233,Mobile,AL,x", // 10: rejected (beds not an int): no vote
      "10,P7,Eta,35233,Birmingham,AL,40", // 11
      "");

  static final String SPEC = """
      name: hospital
      source: {path: IN/*.csv, format: csv}
      schema:
        - {name: id, type: string, required: true}
        - {name: provider, type: string}
        - {name: name, type: string}
        - {name: zip, type: string}
        - {name: city, type: string}
        - {name: state, type: string}
        - {name: beds, type: int}
      dependencies:
        - {name: zip_city, determinant: [zip], dependent: [city, state], repair: majority}
        - {name: provider_name, determinant: [provider], dependent: [name], repair: none}
      dedupe: {key: [provider, city, beds]}
      """;

  @Test
  public void repairsByMajorityWithTheSameFiguresOnEveryRunner() throws IOException {
    Path in = Files.createDirectories(tmp.getRoot().toPath().resolve("in"));
    Files.writeString(in.resolve("hospital.csv"), INPUT);
    Path spec = tmp.getRoot().toPath().resolve("hospital.yaml");
    Files.writeString(spec, SPEC.replace("IN", in.toString()));
    List<String> args = new ArrayList<>(List.of("--spec=" + spec));
    args.addAll(List.of(runnerArgs));
    CauceRun run = CauceRun.run(tmp.getRoot().toPath().resolve("out"), "fd-1", args.toArray(String[]::new));

    assertThat(run.toString(), run.code, equalTo(ExitCode.OK));
    assertThat(run.stdout, containsString("check: read 10 = written 8 + rejected 1 + duplicates 1  OK"));
    // zip 35233: 5 valid records (city: typo x2, null; state: AK); 36301: tie on city
    // zip 35233: 5 valid records, city 3 Birmingham / 1 Birmingam / 1 null, state 4 AL / 1 AK; zip 36301: a tie on city
    assertThat(run.stdout, containsString("  repaired              0  (cells, dependency provider_name) 1 violating group(s) of 2 record(s), 0 unresolved\n"
        + "  repaired              3  (cells, dependency zip_city) 2 violating group(s) of 7 record(s), 1 unresolved\n"));
    assertThat(run.count("dependencies", "zip_city", "repaired"), equalTo(3L));
    assertThat(run.count("dependencies", "zip_city", "violations"), equalTo(2L));
    assertThat(run.count("dependencies", "zip_city", "violating_records"), equalTo(7L));
    assertThat(run.count("dependencies", "zip_city", "unresolved"), equalTo(1L));
    assertThat(run.count("dependencies", "provider_name", "violations"), equalTo(1L));
    assertThat(run.count("dependencies", "provider_name", "repaired"), equalTo(0L));
    assertThat(run.count("duplicates"), equalTo(1L));

    assertThat(CauceRun.published(run.output.resolve("hospital")).stream().sorted().toList(), equalTo(List.of(
        row("1", "P1", "Alpha", "\"35233\"", "Birmingham", "AL", 10),
        row("10", "P7", "Eta", "\"35233\"", "Birmingham", "AL", 40),
        row("3", "P2", "Beta", "\"35233\"", "Birmingham", "AL", 20),
        row("4", "P2", "Betta", "\"35233\"", "Birmingham", "AL", 25),
        row("5", "P3", "Gamma", "\"36301\"", "Dothan", "AL", 30),
        row("6", "P3", "Gamma", "\"36301\"", "Dotham", "AL", 30),
        row("7", "P4", "Delta", "\"99999\"", "Nowhere", "ZZ", 5),
        row("8", "P5", "Eps", "null", "Anytown", "AL", 7))));

    String src = in.resolve("hospital.csv").toString();
    assertThat(CauceRun.published(run.output.resolve("repairs")).stream().sorted().toList(), equalTo(List.of(
        repair("city", "\"Birmingam\"", "Birmingham", "3/4", src, 3),
        repair("city", "null", "Birmingham", "3/4", src, 5),
        repair("state", "\"AK\"", "AL", "4/5", src, 4))));
  }

  static String row(String id, String provider, String name, String zip, String city, String state, int beds) {
    return "{\"id\":\"" + id + "\",\"provider\":\"" + provider + "\",\"name\":\"" + name + "\",\"zip\":" + zip + ",\"city\":\"" + city
        + "\",\"state\":\"" + state + "\",\"beds\":" + beds + "}";
  }

  static String repair(String field, String old, String now, String support, String source, int line) {
    return "{\"run_id\":\"fd-1\",\"pipeline\":\"hospital\",\"dependency\":\"zip_city\",\"field\":\"" + field + "\",\"old\":"
        + old + ",\"new\":\"" + now + "\",\"group\":{\"zip\":\"35233\"},\"support\":\"" + support + "\",\"source\":\"" + source
        + "\",\"line\":" + line + "}";
  }
}
