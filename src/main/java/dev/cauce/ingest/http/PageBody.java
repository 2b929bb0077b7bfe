package dev.cauce.ingest.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One response body of an HTTP source, taken apart: the JSON document, and the records found at the
 * records pointer, each as its exact text in the body (so parsing, cleaning and the dead letter see
 * what the API sent: numbers as written, escapes as written). A body that is not valid UTF-8, not
 * JSON (one document, nothing after it), without an array at the pointer, or that gives a key on the
 * way to it twice is malformed, with the reason why. JSON is UTF-8 (RFC 8259): a charset in Content-Type is ignored.
 */
public final class PageBody {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final String text;
  private final JsonNode root;
  private final List<String> records;
  private final String problem;

  private PageBody(String text, JsonNode root, List<String> records, String problem) {
    this.text = text;
    this.root = root;
    this.records = records;
    this.problem = problem;
  }

  /** Parses {@code body}, taking the records from the array at {@code pointer} ("" for the whole body). */
  public static PageBody parse(byte[] body, String pointer) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return malformed(new String(body, StandardCharsets.UTF_8), "the body is not valid UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return parse(text, pointer);
  }

  static PageBody parse(String text, String pointer) {
    if (text.isBlank()) {
      return malformed(text, "the body is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      int nl = m.indexOf('\n');
      return malformed(text, "the body is not JSON: " + (nl < 0 ? m : m.substring(0, nl))
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    }
    JsonPointer ptr = JsonPointer.compile(pointer);
    JsonNode at = root.at(ptr);
    String where = pointer.isEmpty() ? "the body" : "the value at " + pointer;
    if (at.isMissingNode()) {
      return malformed(text, "the body has no value at " + pointer + " (source.http.records)");
    }
    if (!at.isArray()) {
      return malformed(text, where + " is " + kind(at) + ", not an array of records (source.http.records)");
    }
    String repeated = repeatedOnPath(text, ptr);
    if (repeated != null) {
      return malformed(text, "the body gives the key \"" + repeated + "\" twice on the way to the records (" + pointer
          + "): which one holds the records is ambiguous (source.http.records)");
    }
    List<String> raw = rawElements(text, ptr);
    if (raw == null || raw.size() != at.size()) { // not expected once repeated keys on the path are refused
      raw = new ArrayList<>();
      for (JsonNode n : at) {
        raw.add(n.toString());
      }
    }
    return new PageBody(text, root, List.copyOf(raw), null);
  }

  private static PageBody malformed(String text, String problem) {
    return new PageBody(text, null, List.of(), problem);
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /**
   * A key on the way to the records that its object gives twice, or null. The tree keeps the last
   * value, a reader of the text the first: the records of one would vanish unseen.
   */
  private static String repeatedOnPath(String text, JsonPointer ptr) {
    if (ptr.matches()) {
      return null;
    }
    String target = ptr.toString();
    int segments = (int) target.chars().filter(c -> c == '/').count();
    Set<String> seen = new HashSet<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.FIELD_NAME) {
          continue;
        }
        JsonStreamContext ctx = p.getParsingContext();
        String at = ctx.getNestingDepth() > segments ? null : ctx.pathAsPointer().toString();
        if (at == null || !(target.equals(at) || target.startsWith(at + "/"))) {
          p.nextToken();
          p.skipChildren();
        } else if (!seen.add(at)) {
          return p.currentName();
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // the body was read as a tree already: not expected
    }
  }

  /** The exact text of each element of the array at {@code ptr}, or null if it cannot be located. */
  private static List<String> rawElements(String text, JsonPointer ptr) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      JsonPointer rest = ptr;
      while (!rest.matches()) {
        if (t == JsonToken.START_OBJECT) {
          boolean found = false;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            if (name.equals(rest.getMatchingProperty())) {
              found = true;
              break;
            }
            p.skipChildren();
          }
          if (!found) {
            return null;
          }
        } else if (t == JsonToken.START_ARRAY) {
          int want = rest.getMatchingIndex();
          int i = 0;
          boolean found = false;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (i++ == want) {
              found = true;
              break;
            }
            p.skipChildren();
          }
          if (!found) {
            return null;
          }
        } else {
          return null;
        }
        rest = rest.tail();
      }
      if (t != JsonToken.START_ARRAY) {
        return null;
      }
      List<String> out = new ArrayList<>();
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          return null;
        }
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (t.isStructStart()) {
          p.skipChildren();
        } else {
          p.finishToken();
        }
        int end = (int) p.currentLocation().getCharOffset();
        out.add(text.substring(start, end));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  public boolean isMalformed() {
    return problem != null;
  }

  /** Why the page is malformed; null when it is not. */
  public String problem() {
    return problem;
  }

  /** The body as text. */
  public String text() {
    return text;
  }

  /** The JSON document; null when malformed. */
  public JsonNode root() {
    return root;
  }

  /** Each record's JSON text, in order; empty when malformed. */
  public List<String> records() {
    return records;
  }
}
