package dev.cauce.spec.read;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document read into a small tree that remembers the line of every node, which Jackson's
 * {@code JsonNode} does not. Built by walking Jackson's YAML token stream.
 */
public final class YamlTree {
  private YamlTree() {}

  /** The most code points a document may hold (1 MiB); SnakeYAML refuses more as it reads. */
  public static final int MAX_CODE_POINTS = 1 << 20;

  /**
   * The deepest nesting of maps and lists (the root is level 1). Checked while walking the tokens:
   * Jackson 2.15's YAMLParser applies neither StreamReadConstraints.maxNestingDepth nor SnakeYAML's
   * nesting limit (only its Composer, which Jackson does not use, does), and the walk recurses.
   */
  public static final int MAX_DEPTH = 50;

  /**
   * Plain empty values ({@code key:}) are null, quoted ones ({@code ""}) empty strings; only {@code
   * true}/{@code false} are booleans (YAML 1.1's yes/no/on/off stay strings).
   */
  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
      .loaderOptions(loaderOptions())
      .build();

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(MAX_CODE_POINTS);
    return o;
  }

  /** A node of the tree; {@code line} is 1-based: for a map entry's value, the line of its key. */
  public sealed interface Node permits MapNode, ListNode, ScalarNode {
    int line();

    /** A short description for messages: "a map", "a list", "a string \"x\"", ... */
    String describe();
  }

  /** One key of a map, with the line the key is on. */
  public record Entry(String key, int keyLine, Node value) {}

  /** A mapping; keys keep their document order. {@code duplicates} holds repeated keys (ignored). */
  public record MapNode(int line, Map<String, Entry> entries, List<Entry> duplicates) implements Node {
    @Override
    public String describe() {
      return "a map";
    }
  }

  public record ListNode(int line, List<Node> items) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  public enum Kind {
    STRING,
    INT,
    FLOAT,
    BOOLEAN,
    NULL
  }

  /** A scalar: {@code text} is the value as written (for null, the empty string); {@code number} for INT/FLOAT. */
  public record ScalarNode(int line, Kind kind, String text, Number number) implements Node {
    public boolean isNull() {
      return kind == Kind.NULL;
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> "a string \"" + text + "\"";
        case INT, FLOAT -> "a number " + text;
        case BOOLEAN -> "a boolean " + text;
        case NULL -> "nothing (null)";
      };
    }
  }

  /** Thrown for an empty document or text that is not YAML; {@code line} is 0 when unknown. */
  public static final class YamlSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int line;

    YamlSyntaxException(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  /**
   * Reads the single document of {@code text}.
   *
   * @return the root node, never null
   * @throws YamlSyntaxException when the text is empty (only comments or white space), holds more
   *     than one document, or is not well-formed YAML
   */
  public static Node parse(String text) throws YamlSyntaxException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        throw new YamlSyntaxException("the file is empty", 0);
      }
      Node root = read(p, t, 0, 1);
      if (root instanceof ScalarNode s && s.kind() == Kind.STRING && s.text().isBlank()) {
        throw new YamlSyntaxException("the file is empty", 0); // a document marker (---) and nothing else
      }
      JsonToken next = p.nextToken();
      if (next != null) {
        throw new YamlSyntaxException("only one YAML document is allowed", line(p));
      }
      return root;
    } catch (UnsupportedYamlException e) {
      throw new YamlSyntaxException(e.getMessage(), e.line);
    } catch (StackOverflowError e) {
      // MAX_DEPTH keeps the walk shallow; should a parser still recurse this deep, it is a spec problem, not a crash
      throw new YamlSyntaxException("the spec is nested too deeply to be read", 0);
    } catch (JsonProcessingException e) {
      throw syntaxError(e);
    } catch (IOException e) {
      throw new YamlSyntaxException("invalid YAML: " + firstLine(e.getMessage()), 0);
    }
  }

  /** Well-formed YAML that a spec may not use. */
  private static final class UnsupportedYamlException extends IOException {
    private static final long serialVersionUID = 1L;
    final int line;

    UnsupportedYamlException(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  private static Node read(JsonParser p, JsonToken t, int keyLine, int depth) throws IOException {
    int line = keyLine > 0 ? keyLine : line(p);
    if (depth > MAX_DEPTH && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
      throw new UnsupportedYamlException("the spec is nested deeper than " + MAX_DEPTH + " levels", line(p));
    }
    if (p instanceof YAMLParser y && y.isCurrentAlias()) {
      // Jackson hands an alias over as a string holding the anchor's name: refuse it rather than misread it
      throw new UnsupportedYamlException("YAML aliases (*" + p.getText() + ") are not supported in a spec; "
          + "write the value out", line(p));
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<Entry> duplicates = new ArrayList<>();
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int kl = line(p);
          Node value = read(p, p.nextToken(), kl, depth + 1);
          Entry e = new Entry(key == null ? "" : key, kl, value);
          if (entries.containsKey(e.key())) {
            duplicates.add(e);
          } else {
            entries.put(e.key(), e);
          }
        }
        expect(k, JsonToken.END_OBJECT, p);
        return new MapNode(line, Collections.unmodifiableMap(entries), List.copyOf(duplicates));
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        JsonToken i;
        while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
          if (i == null) {
            throw new IOException("unexpected end of the document");
          }
          items.add(read(p, i, 0, depth + 1));
        }
        return new ListNode(line, List.copyOf(items));
      }
      case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> {
        return new ScalarNode(line, Kind.STRING, p.getText(), null);
      }
      case VALUE_NUMBER_INT -> {
        return new ScalarNode(line, Kind.INT, p.getText(), p.getNumberValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return new ScalarNode(line, Kind.FLOAT, p.getText(), p.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new ScalarNode(line, Kind.BOOLEAN, p.getText(), null);
      }
      case VALUE_NULL -> {
        return new ScalarNode(line, Kind.NULL, "", null);
      }
      default -> throw new IOException("unexpected YAML token " + t);
    }
  }

  private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
    if (actual != expected) {
      throw new IOException("unexpected YAML token " + actual + " at line " + line(p));
    }
  }

  private static int line(JsonParser p) {
    JsonLocation loc = p.currentTokenLocation();
    return loc == null ? 0 : Math.max(0, loc.getLineNr());
  }

  private static YamlSyntaxException syntaxError(JsonProcessingException e) {
    Throwable cause = e.getCause();
    if (cause instanceof MarkedYAMLException m) {
      int line = m.getProblemMark() != null ? m.getProblemMark().getLine() + 1 : 0;
      String context = m.getContext() == null ? "" : m.getContext().trim() + ": ";
      String problem = m.getProblem() == null ? firstLine(m.getMessage()) : m.getProblem().trim();
      return new YamlSyntaxException("invalid YAML: " + context + problem, line);
    }
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 0 : Math.max(0, loc.getLineNr());
    return new YamlSyntaxException("invalid YAML: " + firstLine(e.getOriginalMessage()), line);
  }

  public static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return (nl < 0 ? t : t.substring(0, nl)).strip();
  }
}
