package io.nines.config.internal;

import io.nines.config.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems found while loading; not thread-safe (one load, one thread). */
public final class Diagnostics {
  private final List<Problem> problems = new ArrayList<>();

  public void error(String file, int line, String path, String message) {
    problems.add(new Problem(Problem.Severity.ERROR, file, line, path, message));
  }

  public void warning(String file, int line, String path, String message) {
    problems.add(new Problem(Problem.Severity.WARNING, file, line, path, message));
  }

  public void error(At at, String message) {
    error(at.file(), at.line(), at.path(), message);
  }

  public void warning(At at, String message) {
    warning(at.file(), at.line(), at.path(), message);
  }

  /** How many problems have been reported so far. */
  public int count() {
    return problems.size();
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
  }

  /** Every problem, by file then line; problems on one line keep the order they were found in. */
  public List<Problem> all() {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line));
    return List.copyOf(sorted);
  }

  /** The warnings only, sorted as {@link #all()}. */
  public List<Problem> warnings() {
    return all().stream().filter(p -> p.severity() == Problem.Severity.WARNING).toList();
  }
}
