package dev.cauce.regex;

import com.google.re2j.Pattern;
import dev.cauce.regex.SubsetParser.Alt;
import dev.cauce.regex.SubsetParser.Anchor;
import dev.cauce.regex.SubsetParser.Cat;
import dev.cauce.regex.SubsetParser.Chars;
import dev.cauce.regex.SubsetParser.Node;
import dev.cauce.regex.SubsetParser.Rep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pattern of {@link SubsetParser}'s subset as a Thompson NFA run through a DFA built lazily, one
 * state per set of NFA states met: each character costs one table look-up once its state exists,
 * and building a state costs time linear in the NFA. A pattern whose DFA would pass {@link
 * #MAX_STATES} states, and any value holding a surrogate (RE2/J matches code points), go to RE2/J,
 * which is linear too.
 */
final class LazyDfa implements TextMatcher {
  /** The most DFA states per question (matches, find): determinizing can blow up exponentially. */
  static final int MAX_STATES = 2_000;

  /** The most NFA nodes (counted repetitions are unrolled). */
  static final int MAX_NODES = 20_000;

  private static final int CHAR = 0;
  private static final int SPLIT = 1;
  private static final int BEGIN = 2;
  private static final int END = 3;
  private static final int MATCH = 4;

  private final Pattern re2;

  // The NFA: node kind, successors, and for CHAR nodes the classes they accept.
  private int[] kind = new int[64];
  private int[] out1 = new int[64];
  private int[] out2 = new int[64];
  private boolean[][] accepts = new boolean[64][];
  private int nodes;
  private final int startNode;

  /** Symbols (see SubsetParser) by equivalence class: symbols no set of the pattern tells apart share one. */
  private final int[] classOf = new int[SubsetParser.SYMBOLS];
  private final byte[] asciiClass = new byte[128];
  private final int classes;

  private final boolean emptyMatches;
  private final Mode whole;
  private final Mode search;

  /** {@code re2} compiled from {@code regex}; a plain RE2/J matcher when the pattern is outside the subset. */
  static TextMatcher of(String regex, boolean ignoreCase, Pattern re2) {
    try {
      return new LazyDfa(SubsetParser.parse(regex, ignoreCase), re2);
    } catch (SubsetParser.Unsupported e) {
      return new Re2(re2);
    }
  }

  private LazyDfa(Node root, Pattern re2) throws SubsetParser.Unsupported {
    this.re2 = re2;
    List<long[]> sets = new ArrayList<>();
    collect(root, sets);
    classes = partition(sets);
    int match = node(MATCH, -1, -1, null);
    startNode = compile(root, match);
    mark = new int[nodes];
    IntList start = new IntList();
    generation++;
    close(startNode, true, false, start);
    emptyMatches = acceptsAtEnd(start.sorted(), true);
    whole = new Mode(false);
    search = new Mode(true);
  }

  @Override
  public boolean matches(String value) {
    return whole.run(value);
  }

  @Override
  public boolean find(String value) {
    return search.run(value);
  }

  /** Whether {@code value} took the DFA (for tests): false once a question passed the state cap. */
  boolean usesDfa() {
    return !whole.overflowed && !search.overflowed;
  }

  /** Splits the symbols into classes no set tells apart; returns how many. */
  private int partition(List<long[]> sets) {
    Map<String, Integer> ids = new HashMap<>();
    StringBuilder signature = new StringBuilder();
    for (int s = 0; s < SubsetParser.SYMBOLS; s++) {
      signature.setLength(0);
      for (long[] set : sets) {
        signature.append(SubsetParser.has(set, s) ? '1' : '0');
      }
      classOf[s] = ids.computeIfAbsent(signature.toString(), k -> ids.size());
      if (s < 128) {
        asciiClass[s] = (byte) classOf[s];
      }
    }
    return ids.size();
  }

  private static void collect(Node n, List<long[]> sets) {
    if (n instanceof Chars c) {
      sets.add(c.bits());
    } else if (n instanceof Cat c) {
      c.items().forEach(i -> collect(i, sets));
    } else if (n instanceof Alt a) {
      a.items().forEach(i -> collect(i, sets));
    } else if (n instanceof Rep r) {
      collect(r.item(), sets);
    }
  }

  private int node(int k, int a, int b, boolean[] acc) throws SubsetParser.Unsupported {
    if (nodes == MAX_NODES) {
      throw new SubsetParser.Unsupported();
    }
    if (nodes == kind.length) {
      kind = Arrays.copyOf(kind, nodes * 2);
      out1 = Arrays.copyOf(out1, nodes * 2);
      out2 = Arrays.copyOf(out2, nodes * 2);
      accepts = Arrays.copyOf(accepts, nodes * 2);
    }
    kind[nodes] = k;
    out1[nodes] = a;
    out2[nodes] = b;
    accepts[nodes] = acc;
    return nodes++;
  }

  /** The entry node of {@code n} followed by {@code next} (built back to front). */
  private int compile(Node n, int next) throws SubsetParser.Unsupported {
    if (n instanceof Chars c) {
      boolean[] acc = new boolean[classes];
      for (int s = 0; s < SubsetParser.SYMBOLS; s++) {
        acc[classOf[s]] |= SubsetParser.has(c.bits(), s);
      }
      return node(CHAR, next, -1, acc);
    } else if (n instanceof Cat c) {
      for (int i = c.items().size() - 1; i >= 0; i--) {
        next = compile(c.items().get(i), next);
      }
      return next;
    } else if (n instanceof Alt a) {
      int entry = compile(a.items().get(a.items().size() - 1), next);
      for (int i = a.items().size() - 2; i >= 0; i--) {
        entry = node(SPLIT, compile(a.items().get(i), next), entry, null);
      }
      return entry;
    } else if (n instanceof Anchor a) {
      return node(a.begin() ? BEGIN : END, next, -1, null);
    }
    Rep r = (Rep) n;
    int cont = next;
    if (r.max() < 0) {
      cont = node(SPLIT, -1, next, null);
      int body = compile(r.item(), cont); // before indexing out1: compiling may grow it
      out1[cont] = body;
    } else {
      for (int i = 0; i < r.max() - r.min(); i++) {
        cont = node(SPLIT, compile(r.item(), cont), next, null);
      }
    }
    for (int i = 0; i < r.min(); i++) {
      cont = compile(r.item(), cont);
    }
    return cont;
  }

  // Scratch for building states (under the lock): visited marks by generation.
  private final int[] mark;
  private int generation;
  private int[] work = new int[64];

  /**
   * Adds to {@code out} the nodes reached from {@code from} without reading a character: CHAR and
   * MATCH nodes, and END nodes unless {@code atEnd} (then they are passed), BEGIN passed only {@code atStart}.
   */
  private void close(int from, boolean atStart, boolean atEnd, IntList out) {
    int top = 0;
    work[top++] = from;
    while (top > 0) {
      int n = work[--top];
      if (mark[n] == generation) {
        continue;
      }
      mark[n] = generation;
      switch (kind[n]) {
        case CHAR, MATCH -> out.add(n);
        case END -> {
          if (atEnd) {
            top = push(top, out1[n]);
          } else {
            out.add(n);
          }
        }
        case BEGIN -> {
          if (atStart) {
            top = push(top, out1[n]);
          }
        }
        default -> {
          top = push(top, out2[n]);
          top = push(top, out1[n]);
        }
      }
    }
  }

  private int push(int top, int n) {
    if (top == work.length) {
      work = Arrays.copyOf(work, top * 2);
    }
    work[top] = n;
    return top + 1;
  }

  /** Whether a value ending with these NFA nodes pending matches. */
  private boolean acceptsAtEnd(int[] pending, boolean atStart) {
    generation++;
    IntList reached = new IntList();
    for (int n : pending) {
      if (kind[n] == MATCH) {
        return true;
      }
      if (kind[n] == END) {
        close(n, atStart, true, reached);
      }
    }
    for (int i = 0; i < reached.size; i++) {
      if (kind[reached.items[i]] == MATCH) {
        return true;
      }
    }
    return false;
  }

  /** A DFA state: the NFA nodes pending (sorted), and its successors by class once built. */
  private static final class State {
    final int[] pending;
    final boolean dead;
    final boolean matched;
    final boolean acceptsAtEnd;
    final State[] next;

    State(int[] pending, boolean matched, boolean acceptsAtEnd, int classes) {
      this.pending = pending;
      this.dead = pending.length == 0;
      this.matched = matched;
      this.acceptsAtEnd = acceptsAtEnd;
      this.next = new State[classes];
    }
  }

  /** The DFA for one question: whole value ({@code matches}) or anywhere ({@code find}). */
  private final class Mode {
    final boolean anywhere;
    Map<IntList, State> states = new HashMap<>();
    State start; // null once past the cap (frees the states)
    volatile boolean overflowed;

    Mode(boolean anywhere) {
      this.anywhere = anywhere;
      IntList set = new IntList();
      synchronized (LazyDfa.this) {
        generation++;
        close(startNode, true, false, set);
        start = state(set);
      }
    }

    boolean run(String value) {
      int n = value.length();
      if (n == 0) {
        return emptyMatches;
      }
      State s = start;
      if (s == null) {
        return re2(value);
      }
      if (anywhere && s.matched) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        int cls;
        if (c < 128) {
          cls = asciiClass[c];
        } else if (Character.isSurrogate(c)) {
          return re2(value);
        } else {
          cls = classOf[c == 0x17F ? SubsetParser.LONG_S : c == 0x212A ? SubsetParser.KELVIN : SubsetParser.OTHER];
        }
        State t = s.next[cls];
        if (t == null) {
          t = step(s, cls);
          if (t == null) {
            return re2(value);
          }
        }
        if (t.dead) {
          return false;
        }
        if (anywhere && t.matched) {
          return true;
        }
        s = t;
      }
      return s.acceptsAtEnd;
    }

    private boolean re2(String value) {
      com.google.re2j.Matcher m = re2.matcher(value);
      return anywhere ? m.find() : m.matches();
    }

    /** The successor of {@code s} on class {@code cls}; null past the state cap. */
    private State step(State s, int cls) {
      synchronized (LazyDfa.this) {
        if (overflowed) {
          return null;
        }
        IntList set = new IntList();
        generation++;
        for (int n : s.pending) {
          if (kind[n] == CHAR && accepts[n][cls]) {
            close(out1[n], false, false, set);
          }
        }
        if (anywhere) {
          close(startNode, false, false, set);
        }
        State t = state(set);
        if (t == null) {
          overflowed = true;
          states = null;
          start = null;
          return null;
        }
        s.next[cls] = t;
        return t;
      }
    }

    /** The state for these pending nodes, built if new; null past the cap. */
    private State state(IntList set) {
      set.sort();
      State t = states.get(set);
      if (t == null) {
        if (states.size() >= MAX_STATES) {
          return null;
        }
        int[] pending = set.sorted();
        boolean matched = false;
        for (int n : pending) {
          matched |= kind[n] == MATCH;
        }
        t = new State(pending, matched, acceptsAtEnd(pending, false), classes);
        states.put(set, t);
      }
      return t;
    }
  }

  /** A growable list of ints, usable as a key once sorted. */
  private static final class IntList {
    int[] items = new int[8];
    int size;

    void add(int v) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }

    void sort() {
      Arrays.sort(items, 0, size);
    }

    int[] sorted() {
      int[] a = Arrays.copyOf(items, size);
      Arrays.sort(a);
      return a;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IntList l && Arrays.equals(items, 0, size, l.items, 0, l.size);
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (int i = 0; i < size; i++) {
        h = 31 * h + items[i];
      }
      return h;
    }
  }

  /** A pattern outside the subset: RE2/J answers. */
  record Re2(Pattern pattern) implements TextMatcher {
    @Override
    public boolean matches(String value) {
      return pattern.matcher(value).matches();
    }

    @Override
    public boolean find(String value) {
      return pattern.matcher(value).find();
    }
  }
}
