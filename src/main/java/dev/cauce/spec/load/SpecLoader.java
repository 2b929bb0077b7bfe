package dev.cauce.spec.load;

import dev.cauce.spec.ExpectationSpec;
import dev.cauce.spec.DependencySpec;
import dev.cauce.spec.PipelineSpec;
import dev.cauce.spec.PipelineSpec.CleanSpec;
import dev.cauce.spec.PipelineSpec.DeadLetterSpec;
import dev.cauce.spec.PipelineSpec.DedupeSpec;
import dev.cauce.spec.PipelineSpec.FieldSpec;
import dev.cauce.spec.PipelineSpec.QualitySpec;
import dev.cauce.spec.PipelineSpec.RuleSpec;
import dev.cauce.spec.PipelineSpec.SinkSpec;
import dev.cauce.spec.PipelineSpec.SourceSpec;
import dev.cauce.spec.ReferenceSpec;
import dev.cauce.spec.SpecException;
import dev.cauce.spec.read.SpecNodes.MapView;
import dev.cauce.spec.read.SpecProblem;
import dev.cauce.spec.read.YamlTree;
import dev.cauce.spec.read.YamlTree.MapNode;
import dev.cauce.spec.read.YamlTree.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a pipeline spec ({@code pipelines/<name>.yaml}, see the README's spec reference) into an
 * immutable {@link PipelineSpec}, applying the documented defaults, after checking it completely.
 * Each section has its reader (schema first: the others check their field references against it);
 * every problem is collected, each with its path and line, and thrown together in one {@link
 * SpecException} sorted by line.
 */
public final class SpecLoader {
  private SpecLoader() {}

  static final String FILE = "(file)";
  static final List<String> ROOT_KEYS = List.of(
      "name", "description", "source", "schema", "clean", "validate", "dedupe", "output", "sinks",
      "dead_letter", "quality", "depends_on", "expectations", "expectation_suite", "expectations_unknown",
      "expectations_exact_limit", "references", "dependencies");
  static final Pattern SPEC_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  /** The largest spec file read, in bytes (the largest sample spec is 4 KB). */
  public static final int MAX_SPEC_BYTES = YamlTree.MAX_CODE_POINTS;

  /** Reads and checks the spec in {@code file}. */
  public static PipelineSpec load(Path file) {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw fileProblem(name, "is a directory, not a spec file");
    }
    byte[] bytes;
    try {
      checkSize(Files.size(file), name); // a stat: a huge file is refused without reading it
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw fileProblem(name, "file not found");
    } catch (IOException | SecurityException e) {
      throw fileProblem(name, "cannot be read: " + e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fileProblem(name, "is not valid UTF-8 text");
    }
    return parse(text, name, file.toAbsolutePath().getParent());
  }

  /** Checks the spec text {@code yamlText}; {@code fileName} names it in problems. */
  public static PipelineSpec parse(String yamlText, String fileName) {
    return parse(yamlText, fileName, null);
  }

  /**
   * Checks the spec text; {@code specDir}, when not null, is the folder of pipeline specs that
   * {@code depends_on} names must be found in (as {@code <name>.yaml}).
   */
  static PipelineSpec parse(String yamlText, String fileName, Path specDir) {
    checkSize(yamlText.getBytes(StandardCharsets.UTF_8).length, fileName);
    Node root;
    try {
      root = YamlTree.parse(yamlText.startsWith("\uFEFF") ? yamlText.substring(1) : yamlText);
    } catch (YamlTree.YamlSyntaxException e) {
      throw new SpecException(new SpecProblem(fileName, FILE, e.line, e.getMessage()));
    }
    SpecReading s = new SpecReading(fileName, specDir);
    PipelineSpec spec = build(root, s);
    if (!s.nodes.problems().isEmpty()) {
      List<SpecProblem> sorted = new ArrayList<>(s.nodes.problems());
      sorted.sort(Comparator.comparingInt(SpecProblem::line)); // stable: same-line problems keep their order
      throw new SpecException(fileName, sorted);
    }
    return spec;
  }

  /** The spec read section by section; null when the root is not a map. */
  private static PipelineSpec build(Node root, SpecReading s) {
    if (!(root instanceof MapNode)) {
      s.problem(FILE, root.line(), "a spec is a map with the keys " + String.join(", ", ROOT_KEYS)
          + "; got " + root.describe());
      return null;
    }
    MapView r = s.nodes.map(root, "", ROOT_KEYS);
    String name = r.requiredText("name");
    if (name != null && !SPEC_NAME.matcher(name).matches()) {
      r.problem("name", "invalid name \"" + name + "\": must match " + SPEC_NAME.pattern());
    }
    String description = r.text("description");

    ReferencesReader references = new ReferencesReader(s);
    List<ReferenceSpec> refs = references.read(r); // before the schema and rules, which use them
    List<FieldSpec> schema = new SchemaReader(s).read(r);
    SourceSpec source = new SourceReader(s).read(r);
    CleanSpec clean = new CleanReader(s).read(r);
    List<RuleSpec> rules = new RulesReader(s).read(r);
    List<ExpectationSpec> expectations = new ExpectationsReader(s).read(r);
    DedupeReader dedupeReader = new DedupeReader(s);
    DedupeSpec dedupe = dedupeReader.read(r);
    String output = output(r, name);
    DeadLetterReader deadLetterReader = new DeadLetterReader(s);
    DeadLetterSpec deadLetter = deadLetterReader.read(r);
    List<SinkSpec> sinks = new SinksReader(s).read(r, name, deadLetter);
    if (dedupe != null) {
      dedupeReader.checkDroppedName(dedupe, sinks, deadLetter);
    }
    deadLetterReader.checkWarnedName(deadLetter, sinks, dedupe);
    QualitySpec quality = new QualityReader(s).read(r);
    List<String> dependsOn = new DependsOnReader(s).read(r, name);
    List<DependencySpec> dependencies = new DependenciesReader(s).read(r, sinks, deadLetter, dedupe);
    refs = references.keyTypes(refs, schema, rules);
    if (!s.nodes.problems().isEmpty()) {
      return null;
    }
    return new PipelineSpec(
        name, description, source, schema, clean, rules, dedupe, output, sinks, deadLetter, quality, dependsOn, expectations, refs,
        dependencies);
  }

  /** {@code output}, by default {@code out/<name>}. */
  private static String output(MapView r, String name) {
    String output = r.text("output");
    if (output != null && output.isBlank()) {
      r.problem("output", "must not be empty");
    }
    return output == null ? "out/" + name : output;
  }

  /** Refuses a spec over {@link #MAX_SPEC_BYTES}, before any parsing: reading a huge one takes minutes. */
  private static void checkSize(long bytes, String fileName) {
    if (bytes > MAX_SPEC_BYTES) {
      throw fileProblem(fileName, "is " + bytes + " bytes; a spec may be at most " + MAX_SPEC_BYTES + " bytes (1 MiB)");
    }
  }

  private static SpecException fileProblem(String file, String message) {
    return new SpecException(new SpecProblem(file, FILE, 0, message));
  }
}
