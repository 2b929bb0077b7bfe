package dev.cauce.model;

import java.util.Locale;

/** The stages a record passes through, in order. Their lower-case names appear in rejections and counters. */
public enum Stage {
  INGEST,
  PARSE,
  CLEAN,
  VALIDATE,
  DEDUPE,
  WRITE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
