package io.nines.config.assertion;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The right-hand side of an assertion. Every literal prints as text that {@link AssertionParser}
 * reads back to an equal literal.
 */
public sealed interface Literal {

  ValueType type();

  /** The literal as written in the language; parsing it again gives an equal literal. */
  String print();

  /**
   * A number such as {@code 200}, {@code -1.5}. Compared numerically, so {@code 200} and {@code
   * 200.0} are equal when evaluating, though the literals are not equal records.
   *
   * @param value the number; a negative scale ({@code 2E+2}) is normalized to scale 0 ({@code 200})
   *     so that {@link #print()} and parsing agree
   */
  record NumberLit(BigDecimal value) implements Literal {
    public NumberLit {
      Objects.requireNonNull(value, "value");
      if (value.scale() < 0) {
        value = value.setScale(0);
      }
    }

    public ValueType type() {
      return ValueType.NUMBER;
    }

    public String print() {
      return value.toPlainString();
    }
  }

  /** A string, printed in double quotes with {@code \"}, {@code \\}, {@code \n} and the like. */
  record StringLit(String value) implements Literal {
    public StringLit {
      Objects.requireNonNull(value, "value");
    }

    public ValueType type() {
      return ValueType.STRING;
    }

    public String print() {
      return Text.quote(value, '"');
    }
  }

  /**
   * A duration such as {@code 800ms}, {@code 1.5s}, {@code 2m}, {@code 1h}.
   *
   * @param value zero or more, in whole milliseconds (the language has no finer unit)
   * @throws IllegalArgumentException when {@code value} is negative, has a fraction of a
   *     millisecond or does not fit a {@code long} of milliseconds
   */
  record DurationLit(Duration value) implements Literal {
    public DurationLit {
      Objects.requireNonNull(value, "value");
      if (value.isNegative()
          || value.getNano() % 1_000_000 != 0
          || value.getSeconds() > Long.MAX_VALUE / 1000 - 1) {
        throw new IllegalArgumentException(
            "value: " + value + " (expected: >= 0, in whole milliseconds)");
      }
    }

    public ValueType type() {
      return ValueType.DURATION;
    }

    /** The largest whole unit: {@code 1h}, {@code 90m}, {@code 2s}, {@code 1500ms}, {@code 0ms}. */
    public String print() {
      long ms = value.toMillis();
      if (ms != 0 && ms % 3_600_000 == 0) {
        return (ms / 3_600_000) + "h";
      }
      if (ms != 0 && ms % 60_000 == 0) {
        return (ms / 60_000) + "m";
      }
      if (ms != 0 && ms % 1000 == 0) {
        return (ms / 1000) + "s";
      }
      return ms + "ms";
    }
  }

  record BoolLit(boolean value) implements Literal {
    public ValueType type() {
      return ValueType.BOOLEAN;
    }

    public String print() {
      return Boolean.toString(value);
    }
  }

  /** {@code null}: an absent value (a missing header, a missing or null JSON value). */
  record NullLit() implements Literal {
    public ValueType type() {
      return ValueType.NULL;
    }

    public String print() {
      return "null";
    }
  }

  /** A list such as {@code [200, 204]}; lists may nest (for JSON arrays of arrays). */
  record ListLit(List<Literal> items) implements Literal {
    public ListLit {
      items = List.copyOf(items);
    }

    public ValueType type() {
      return ValueType.LIST;
    }

    public String print() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(items.get(i).print());
      }
      return sb.append(']').toString();
    }
  }
}
