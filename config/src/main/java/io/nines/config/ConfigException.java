package io.nines.config;

import java.util.List;

/** A configuration that can't be loaded, with every problem found, not just the first. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(summary(problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    long errors = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
    sb.append("configuration has ").append(errors).append(errors == 1 ? " problem" : " problems");
    for (Problem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p.format());
    }
    return sb.toString();
  }
}
