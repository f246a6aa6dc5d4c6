package io.nines.cli;

import io.nines.agent.browser.BrowserOptions;
import io.nines.agent.browser.BrowserProbe;
import io.nines.common.ProbeResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code nines check run} shows of a browser check's result, and its screenshots' files. */
final class BrowserResults {
  private BrowserResults() {}

  /** Where screenshots go; created on first use. */
  interface Dir {
    Path get() throws IOException;
  }

  /**
   * The browser probe for a local run, or null (browser checks then fail saying no probe runs them)
   * after printing why to stderr.
   */
  static BrowserProbe probe(Map<String, String> env) {
    BrowserOptions options;
    try {
      options = BrowserOptions.fromEnv(env);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return null;
    }
    Optional<Path> chromium = BrowserProbe.locate(options, env);
    if (chromium.isEmpty()) {
      System.err.println(
          "warning: browser checks can't run here: "
              + (options.enabled()
                  ? "no Chromium found (looked for chromium, chromium-browser and google-chrome on"
                      + " PATH and in /usr/bin; set NINES_CHROMIUM to its path)"
                  : "NINES_CHROMIUM=off"));
      return null;
    }
    return new BrowserProbe(chromium.get(), options.pool());
  }

  /**
   * Writes the result's screenshots as PNG files, {@code <check>-<n>-<label>.png}, the failure's
   * first.
   *
   * @return the files written, in order
   */
  static List<Path> writeScreenshots(ProbeResult r, Dir dir) {
    JsonObject d = r.diagnostics();
    List<Path> out = new ArrayList<>();
    if (d == null) {
      return out;
    }
    List<JsonObject> shots = new ArrayList<>();
    if (d.getJsonObject("screenshot") != null) {
      shots.add(d.getJsonObject("screenshot").copy().put("label", "failure"));
    }
    for (Object o : d.getJsonArray("screenshots", new JsonArray())) {
      shots.add((JsonObject) o);
    }
    for (JsonObject shot : shots) {
      String base64 = shot.getString("base64");
      if (base64 == null) {
        continue;
      }
      String label = shot.getString("label", "step").replaceAll("[^A-Za-z0-9_.-]", "_");
      try {
        Path file = dir.get().resolve(r.checkId() + "-" + r.sequence() + "-" + label + ".png");
        Files.write(file, Base64.getDecoder().decode(base64));
        out.add(file.toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException("can't write the screenshot: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** {@code json} with the browser's steps, final URL and screenshot paths, when there are any. */
  static JsonObject addTo(JsonObject json, ProbeResult r, List<Path> shots) {
    JsonObject d = r.diagnostics();
    if (d == null || d.getJsonArray("steps") == null) {
      return json;
    }
    json.put("steps", d.getJsonArray("steps"));
    if (d.getString("url") != null) {
      json.put("url", d.getString("url"));
    }
    if (d.getJsonObject("failedStep") != null) {
      JsonObject failed = d.getJsonObject("failedStep").copy();
      json.put("failedStep", failed);
    }
    if (d.getJsonObject("vitals") != null) {
      json.put("vitals", d.getJsonObject("vitals"));
    }
    if (d.getJsonObject("screenshot") != null && !shots.isEmpty()) {
      json.put("screenshot", shots.get(0).toString());
    }
    if (!shots.isEmpty()) {
      json.put("screenshots", new JsonArray(shots.stream().map(Path::toString).toList()));
    }
    return json;
  }

  /** The lines under a text result: where the screenshots were written. */
  static String text(ProbeResult r, List<Path> shots) {
    StringBuilder sb = new StringBuilder();
    for (Path p : shots) {
      sb.append(System.lineSeparator()).append("      screenshot: ").append(p);
    }
    return sb.toString();
  }
}
