package io.nines.config.assertion;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/** The right-hand side of an assertion. */
public sealed interface Literal {

  ValueType type();

  /** The literal as written in the language; parsing it again gives an equal literal. */
  String print();

  record NumberLit(BigDecimal value) implements Literal {
    public ValueType type() {
      return ValueType.NUMBER;
    }

    public String print() {
      return value.toPlainString();
    }
  }

  record StringLit(String value) implements Literal {
    public ValueType type() {
      return ValueType.STRING;
    }

    public String print() {
      StringBuilder sb = new StringBuilder("\"");
      for (char c : value.toCharArray()) {
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\t' -> sb.append("\\t");
          case '\r' -> sb.append("\\r");
          default -> sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
  }

  /** A duration such as {@code 800ms}, {@code 2s}, {@code 1m}. */
  record DurationLit(Duration value) implements Literal {
    public ValueType type() {
      return ValueType.DURATION;
    }

    public String print() {
      long ms = value.toMillis();
      if (ms % 60_000 == 0 && ms != 0) {
        return (ms / 60_000) + "m";
      }
      if (ms % 1000 == 0 && ms != 0) {
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

  record NullLit() implements Literal {
    public ValueType type() {
      return ValueType.NULL;
    }

    public String print() {
      return "null";
    }
  }

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
