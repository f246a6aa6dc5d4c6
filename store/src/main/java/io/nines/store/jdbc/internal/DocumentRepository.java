package io.nines.store.jdbc.internal;

import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.store.documents.Documents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One kind of document in the {@code documents} table (migration V3): the JDBC side of {@link
 * Documents}, and what {@link DocumentMapStore} writes with. Every write is idempotent (an upsert
 * or a delete by key), so a retried write-behind batch changes nothing.
 *
 * <p>Blocking; thread-safe: each call takes a connection from the pool and returns it.
 */
public final class DocumentRepository implements Documents {
  private final DataSource dataSource;
  private final Dialect dialect;
  private final String kind;
  private final TimeSource time;

  /**
   * @param url the data source's JDBC URL, which says which SQL dialect to speak
   * @param kind which collection, e.g. {@code alerts}
   * @param time what {@code updated_at_ms} is stamped with
   */
  public DocumentRepository(DataSource dataSource, String url, String kind, TimeSource time) {
    this.dataSource = Checks.notNull(dataSource, "dataSource");
    this.dialect = Dialect.ofUrl(Checks.notNull(url, "url"));
    this.kind = Checks.checkNotBlank(kind, "kind");
    this.time = Checks.notNull(time, "time");
  }

  public String kind() {
    return kind;
  }

  @Override
  public Map<String, String> all() {
    try {
      return select("SELECT doc_key, body FROM documents WHERE kind = ? ORDER BY doc_key", null);
    } catch (SQLException e) {
      throw failed("reading", "every document", e);
    }
  }

  /** The keys of every document. */
  public Collection<String> keys() {
    try {
      return select("SELECT doc_key, doc_key FROM documents WHERE kind = ?", null).keySet();
    } catch (SQLException e) {
      throw failed("reading", "the keys", e);
    }
  }

  /** The documents under {@code keys} that exist. */
  public Map<String, String> get(Collection<String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT body FROM documents WHERE kind = ? AND doc_key = ?")) {
      for (String key : keys) {
        s.setString(1, kind);
        s.setString(2, key);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            out.put(key, rs.getString(1));
          }
        }
      }
    } catch (SQLException e) {
      throw failed("reading", keys.size() + " document(s)", e);
    }
    return out;
  }

  @Override
  public String get(String key) {
    try {
      return select("SELECT doc_key, body FROM documents WHERE kind = ? AND doc_key = ?", key)
          .get(key);
    } catch (SQLException e) {
      throw failed("reading", "'" + key + "'", e);
    }
  }

  private Map<String, String> select(String sql, String key) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, kind);
      if (key != null) {
        s.setString(2, key);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  @Override
  public void put(String key, String json) {
    write(Map.of(key, json), List.of());
  }

  @Override
  public boolean putIfAbsent(String key, String json) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO documents (kind, doc_key, body, updated_at_ms)"
                    + " SELECT ?, ?, ?, ? WHERE NOT EXISTS"
                    + " (SELECT 1 FROM documents WHERE kind = ? AND doc_key = ?)")) {
      s.setString(1, kind);
      s.setString(2, key);
      s.setString(3, json);
      s.setLong(4, time.now().toEpochMilli());
      s.setString(5, kind);
      s.setString(6, key);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      // A concurrent insert of the same key loses on the primary key: it was present.
      if (get(key) != null) {
        return false;
      }
      throw failed("writing", "'" + key + "'", e);
    }
  }

  @Override
  public void remove(String key) {
    write(Map.of(), java.util.List.of(key));
  }

  /**
   * Upserts {@code puts} and deletes {@code deletes} in one transaction.
   *
   * @throws IllegalStateException when the database refuses, naming the collection and the keys;
   *     nothing was written then
   */
  public void write(Map<String, String> puts, Collection<String> deletes) {
    if (puts.isEmpty() && deletes.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long now = time.now().toEpochMilli();
        if (!puts.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(dialect.upsertDocument)) {
            for (Map.Entry<String, String> e : puts.entrySet()) {
              s.setString(1, kind);
              s.setString(2, e.getKey());
              s.setString(3, e.getValue());
              s.setLong(4, now);
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        if (!deletes.isEmpty()) {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM documents WHERE kind = ? AND doc_key = ?")) {
            for (String key : deletes) {
              s.setString(1, kind);
              s.setString(2, key);
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      List<String> parts = new ArrayList<>();
      if (!puts.isEmpty()) {
        parts.add("writing " + keys(puts.keySet()));
      }
      if (!deletes.isEmpty()) {
        parts.add("deleting " + keys(deletes));
      }
      throw new IllegalStateException(
          String.join(" and ", parts)
              + " of the documents '"
              + kind
              + "' failed: "
              + e.getMessage(),
          e);
    }
  }

  /** The first few keys, quoted, and how many more. */
  private static String keys(Collection<String> keys) {
    List<String> quoted = keys.stream().limit(3).map(k -> "'" + k + "'").toList();
    return String.join(", ", quoted)
        + (keys.size() > quoted.size() ? " and " + (keys.size() - quoted.size()) + " more" : "");
  }

  private IllegalStateException failed(String doing, String what, SQLException e) {
    return new IllegalStateException(
        doing + " " + what + " of the documents '" + kind + "' failed: " + e.getMessage(), e);
  }
}
