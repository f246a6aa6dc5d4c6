package io.nines.store.jdbc;

import io.nines.common.Checks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the durable store lives and how the cluster writes to it. Build with {@link #builder()}, or
 * read the environment with {@link #fromEnvironment(Map)}.
 *
 * @param url a JDBC URL: {@code jdbc:h2:file:...} (the default, an embedded file under the data
 *     directory; for a single process and small clusters whose members share a disk) or {@code
 *     jdbc:postgresql://...} (for clusters)
 * @param user the database user; may be empty (H2's default user is {@code sa})
 * @param password the user's password; may be empty. Never printed
 * @param poolSize the most connections this process holds open, at least 1
 * @param writeDelay how long the cluster holds a change before writing it (Hazelcast's write-behind
 *     delay): what a crash of the whole cluster can lose. Whole seconds, at least 1 s
 * @param writeBatchSize the most entries the cluster writes in one batch, at least 1
 */
public record DatabaseOptions(
    String url,
    String user,
    String password,
    int poolSize,
    Duration writeDelay,
    int writeBatchSize) {

  public static final String ENV_DATA_DIR = "NINES_DATA_DIR";
  public static final String ENV_URL = "NINES_DB_URL";
  public static final String ENV_USER = "NINES_DB_USER";
  public static final String ENV_PASSWORD_FILE = "NINES_DB_PASSWORD_FILE";

  public static final String DEFAULT_DATA_DIR = "./data";
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final Duration DEFAULT_WRITE_DELAY = Duration.ofSeconds(1);
  public static final int DEFAULT_WRITE_BATCH_SIZE = 1000;

  public DatabaseOptions {
    Checks.checkNotBlank(url, "url");
    Checks.checkArgument(
        url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:"),
        "url: '%s' (expected: jdbc:h2:... or jdbc:postgresql://host:port/database)",
        redact(url));
    Checks.notNull(user, "user");
    Checks.notNull(password, "password");
    Checks.checkPositive(poolSize, "poolSize");
    Checks.notNull(writeDelay, "writeDelay");
    Checks.checkArgument(
        writeDelay.getSeconds() >= 1 && writeDelay.getNano() == 0,
        "writeDelay: %s (expected: whole seconds, at least 1s)",
        writeDelay);
    Checks.checkPositive(writeBatchSize, "writeBatchSize");
  }

  /** An embedded H2 database in the file {@code <dataDir>/nines.mv.db}. */
  public static String h2Url(Path dataDir) {
    Checks.notNull(dataDir, "dataDir");
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("nines");
  }

  /** Whether {@link #url} names an H2 database. */
  public boolean h2() {
    return url.startsWith("jdbc:h2:");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options from environment variables, each optional: {@value #ENV_URL} (default: H2 in {@value
   * #ENV_DATA_DIR}, itself {@value #DEFAULT_DATA_DIR} by default), {@value #ENV_USER}, and {@value
   * #ENV_PASSWORD_FILE} (a file holding the password; one trailing newline is ignored).
   *
   * @param env usually {@code System.getenv()}
   * @throws IllegalArgumentException naming the variable that is wrong and what would be right
   */
  public static DatabaseOptions fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String dataDir = env.getOrDefault(ENV_DATA_DIR, "");
    b.url(h2Url(Path.of(dataDir.isBlank() ? DEFAULT_DATA_DIR : dataDir.trim())));
    String url = env.get(ENV_URL);
    if (url != null && !url.isBlank()) {
      b.url(url.trim());
    }
    String user = env.get(ENV_USER);
    if (user != null && !user.isBlank()) {
      b.user(user.trim());
    }
    String passwordFile = env.get(ENV_PASSWORD_FILE);
    if (passwordFile != null && !passwordFile.isBlank()) {
      Path file = Path.of(passwordFile.trim());
      try {
        String password = Files.readString(file, StandardCharsets.UTF_8);
        b.password(
            password.endsWith("\n") ? password.substring(0, password.length() - 1) : password);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            ENV_PASSWORD_FILE
                + " was '"
                + file
                + "' but it must be a readable file holding the password ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "database options from the environment: " + e.getMessage());
    }
  }

  /** A URL with any {@code password=...} parameter hidden, for messages and logs. */
  static String redact(String url) {
    return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** Secrets stay out of logs. */
  @Override
  public String toString() {
    return "DatabaseOptions[url="
        + redact(url)
        + ", user="
        + user
        + ", password=<"
        + (password.isEmpty() ? "none" : "hidden")
        + ">, poolSize="
        + poolSize
        + ", writeDelay="
        + writeDelay
        + ", writeBatchSize="
        + writeBatchSize
        + "]";
  }

  /** Collects options; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String url = h2Url(Path.of(DEFAULT_DATA_DIR));
    private String user = "";
    private String password = "";
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration writeDelay = DEFAULT_WRITE_DELAY;
    private int writeBatchSize = DEFAULT_WRITE_BATCH_SIZE;

    private Builder() {}

    public Builder url(String url) {
      this.url = url;
      return this;
    }

    public Builder user(String user) {
      this.user = user;
      return this;
    }

    public Builder password(String password) {
      this.password = password;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public Builder writeDelay(Duration writeDelay) {
      this.writeDelay = writeDelay;
      return this;
    }

    public Builder writeBatchSize(int writeBatchSize) {
      this.writeBatchSize = writeBatchSize;
      return this;
    }

    /**
     * @throws IllegalArgumentException or NullPointerException naming the option that is wrong
     */
    public DatabaseOptions build() {
      return new DatabaseOptions(url, user, password, poolSize, writeDelay, writeBatchSize);
    }
  }
}
