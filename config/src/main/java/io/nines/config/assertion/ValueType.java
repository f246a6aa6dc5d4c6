package io.nines.config.assertion;

/** The types of the assertion language. */
public enum ValueType {
  NUMBER,
  STRING,
  DURATION,
  BOOLEAN,
  LIST,
  NULL,
  /** A JSON value whose type is known only at run time. */
  ANY
}
