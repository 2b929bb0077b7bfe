package dev.cauce.repair;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A made-up dataset in the shape of the public hospital data-cleaning benchmark (which is not
 * available offline): one row per hospital and measure, 15 text columns whose values follow the
 * functional dependencies provider → name, address, city, state, zip, county, phone, type, owner,
 * emergency; zip → city, state, county; measure → name, condition. The dirty copy has a share of
 * its cells (score excepted) corrupted as the benchmark's are: one character replaced by {@code x}.
 * Deterministic for a seed.
 */
public final class HospitalLike {
  public static final List<String> COLUMNS = List.of("provider", "name", "address", "city", "state", "zip", "county", "phone",
      "type", "owner", "emergency", "measure", "measure_name", "condition", "score");
  static final String[] CITIES = {"DOTHAN", "BOAZ", "FLORENCE", "BIRMINGHAM", "ALABASTER", "SHEFFIELD", "OZARK", "MONTGOMERY",
      "HUNTSVILLE", "MOBILE", "TUSCALOOSA", "AUBURN", "DECATUR", "GADSDEN", "ANNISTON", "SELMA", "JASPER", "CULLMAN", "TROY",
      "ENTERPRISE"};
  static final String[] STATES = {"AL", "AK", "AZ", "AR", "CA"};
  static final String[] STREETS = {"MAIN STREET", "ROSS CLARK CIRCLE", "HIGHWAY 431 NORTH", "MARENGO STREET", "MEDICAL PARK DRIVE",
      "FIRST STREET NORTH", "MONTGOMERY AVENUE", "HOSPITAL AVE", "SOUTH BOULEVARD", "UNIVERSITY DRIVE"};
  static final String[] TYPES = {"Acute Care Hospitals", "Critical Access Hospitals"};
  static final String[] OWNERS = {"Government - Hospital District or Authority", "Voluntary non-profit - Private", "Proprietary",
      "Voluntary non-profit - Church"};
  static final String[] CONDITIONS = {"Heart Attack", "Heart Failure", "Pneumonia", "Surgical Infection Prevention"};

  /** The clean rows and their dirty copy (same order), and how many cells were corrupted. */
  public record Data(List<String[]> clean, List<String[]> dirty, int corrupted) {}

  /** {@code hospitals} × {@code measures} rows; each cell but the score corrupted with probability {@code rate}. */
  public static Data generate(long seed, int hospitals, int measures, double rate) {
    Random rnd = new Random(seed);
    int zips = Math.max(1, hospitals * 2 / 3); // some hospitals share a zip
    String[][] zip = new String[zips][];
    for (int z = 0; z < zips; z++) {
      zip[z] = new String[] {String.valueOf(35000 + z * 7), CITIES[z % CITIES.length] + (z >= CITIES.length ? " " + (z / CITIES.length) : ""),
          STATES[z % 17 == 0 ? 1 + z % 4 : 0], "COUNTY " + (char) ('A' + z % 26) + (z / 26)};
    }
    String[][] measure = new String[measures][];
    for (int m = 0; m < measures; m++) {
      measure[m] = new String[] {"M-" + (m + 1), "Measure number " + (m + 1) + " of care", CONDITIONS[m % CONDITIONS.length]};
    }
    List<String[]> clean = new ArrayList<>();
    for (int h = 0; h < hospitals; h++) {
      String[] z = zip[rnd.nextInt(zips)];
      String provider = String.valueOf(10001 + h * 3);
      String name = "HOSPITAL " + provider + " " + z[1] + " MEDICAL CENTER";
      String address = (100 + rnd.nextInt(9000)) + " " + STREETS[rnd.nextInt(STREETS.length)];
      String phone = String.format("(%03d) %03d-%04d", 200 + rnd.nextInt(700), 200 + rnd.nextInt(700), rnd.nextInt(10000));
      String type = TYPES[rnd.nextInt(TYPES.length)];
      String owner = OWNERS[rnd.nextInt(OWNERS.length)];
      String emergency = rnd.nextBoolean() ? "Yes" : "No";
      for (int m = 0; m < measures; m++) {
        clean.add(new String[] {provider, name, address, z[1], z[2], z[0], z[3], phone, type, owner, emergency, measure[m][0],
            measure[m][1], measure[m][2], String.valueOf(50 + rnd.nextInt(50))});
      }
    }
    List<String[]> dirty = new ArrayList<>();
    int corrupted = 0;
    for (String[] row : clean) {
      String[] d = row.clone();
      for (int c = 0; c < d.length - 1; c++) {
        if (rnd.nextDouble() < rate) {
          d[c] = typo(d[c], rnd);
          corrupted++;
        }
      }
      dirty.add(d);
    }
    return new Data(clean, dirty, corrupted);
  }

  /** One character replaced by x (an x by y), as the benchmark's typos. */
  static String typo(String v, Random rnd) {
    int i = rnd.nextInt(v.length());
    char[] c = v.toCharArray();
    c[i] = c[i] == 'x' ? 'y' : 'x';
    return new String(c);
  }

  /** The rows as CSV text with a header (values hold no comma or quote). */
  public static String csv(List<String[]> rows) {
    StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    rows.forEach(r -> b.append(String.join(",", r)).append('\n'));
    return b.toString();
  }
}
