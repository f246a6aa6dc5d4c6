package io.nines.coordinator.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Pagination of the API's lists: {@code ?limit=} (1 to {@value #MAX_LIMIT}, default {@value
 * #DEFAULT_LIMIT}) and {@code ?cursor=}, the {@code next} token of the previous page. Answers are
 * {@code {"items": [...], "next": "<cursor>"}}, with {@code next} absent on the last page.
 *
 * <p>A cursor is opaque to clients. Inside, it names its list, the position after the last item
 * served and that item's key. The next page starts after that key when it is still in the list, so
 * items added before it (newer results, new incidents) do not repeat items already served; when the
 * key is gone (the item was removed, or fell out of retention), the page starts at the position. A
 * page never fails because the list changed. Thread-safe (stateless).
 */
public final class Pages {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /**
   * Results newer than a cursor that may arrive between two pages and still be skipped exactly;
   * lists read from a store are read this much further than the page needs.
   */
  public static final int SLACK = 200;

  /** Positions beyond this are refused: deeper lists are read by time window instead. */
  public static final int MAX_OFFSET = 100_000;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Pages() {}

  /**
   * What a request asked for.
   *
   * @param limit how many items, 1 to {@value #MAX_LIMIT}
   * @param offset where the page starts when {@code afterKey} is not found; 0 for the first page
   * @param afterKey the key of the last item of the previous page, or null for the first page
   */
  public record Request(int limit, int offset, String afterKey) {
    /** How many items from the head of the list a store must read to answer this page. */
    public int readAtLeast() {
      return offset + limit + 1 + (afterKey == null ? 0 : SLACK);
    }
  }

  /**
   * Reads {@code limit} and {@code cursor} from the query.
   *
   * @param list the list's name, e.g. {@code GET /api/v1/checks}; a cursor of another list is
   *     refused
   * @throws IllegalArgumentException naming the parameter, what it was and what is allowed
   */
  public static Request parse(RoutingContext ctx, String list) {
    return parse(ctx.request().getParam("limit"), ctx.request().getParam("cursor"), list);
  }

  static Request parse(String rawLimit, String rawCursor, String list) {
    int limit = DEFAULT_LIMIT;
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "limit was '"
                + shorten(rawLimit)
                + "' but it must be a whole number from 1 to "
                + MAX_LIMIT
                + " (default "
                + DEFAULT_LIMIT
                + ")");
      }
    }
    if (rawCursor == null || rawCursor.isEmpty()) {
      return new Request(limit, 0, null);
    }
    String[] parts = decode(rawCursor);
    if (parts == null || !parts[0].equals(list)) {
      throw new IllegalArgumentException(
          "cursor was '"
              + shorten(rawCursor)
              + "' but it must be the 'next' value of a previous page of "
              + list
              + ", as it was given");
    }
    return new Request(limit, Integer.parseInt(parts[1]), parts[2]);
  }

  /**
   * The items of one page and the cursor of the next.
   *
   * @param next the next page's cursor, or null on the last page
   */
  public record Slice<T>(List<T> items, String next) {
    /** {@code {"items": [...], "next": ...}} with each item's JSON. */
    public JsonObject toJson(Function<T, JsonObject> view) {
      JsonArray array = new JsonArray();
      items.forEach(t -> array.add(view.apply(t)));
      JsonObject json = new JsonObject().put("items", array);
      if (next != null) {
        json.put("next", next);
      }
      return json;
    }
  }

  /**
   * The items of one page of {@code all}.
   *
   * @param all the whole list (or its head, at least {@link Request#readAtLeast()} items), in the
   *     list's order
   * @param key a stable, unique key of an item
   * @param list the list's name, as given to {@link #parse}
   */
  public static <T> Slice<T> slice(
      List<T> all, Request request, Function<T, String> key, String list) {
    int start = Math.min(request.offset(), all.size());
    if (request.afterKey() != null) {
      for (int i = 0; i < all.size(); i++) {
        if (key.apply(all.get(i)).equals(request.afterKey())) {
          start = i + 1;
          break;
        }
      }
    }
    int end = Math.min(all.size(), start + request.limit());
    String next = null;
    if (end < all.size() && end <= MAX_OFFSET) {
      next = cursor(list, end, key.apply(all.get(end - 1)));
    }
    return new Slice<>(List.copyOf(all.subList(start, end)), next);
  }

  /** {@link #slice} as JSON, each item through {@code view}. */
  public static <T> JsonObject page(
      List<T> all,
      Request request,
      Function<T, String> key,
      Function<T, JsonObject> view,
      String list) {
    return slice(all, request, key, list).toJson(view);
  }

  static String cursor(String list, int offset, String lastKey) {
    String raw = list + "\n" + offset + "\n" + lastKey;
    return ENCODER.encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** [list, offset, key], or null when {@code cursor} is not one of ours. */
  private static String[] decode(String cursor) {
    try {
      String raw = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split("\n", 3);
      if (parts.length != 3) {
        return null;
      }
      int offset = Integer.parseInt(parts[1]);
      return offset < 0 || offset > MAX_OFFSET ? null : parts;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
