package io.nines.config.internal;

import io.nines.config.Channel;
import io.nines.config.Escalation;
import io.nines.config.Notices;
import io.nines.config.Team;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code teams:}: who is notified, through which channels, escalation and notices. */
final class TeamsReader {
  static final List<String> TEAM_KEYS =
      List.of(
          "name",
          "email",
          "pagerduty",
          "webhook",
          "slack",
          "alertmanager",
          "escalation",
          "notices");
  static final List<String> ESCALATION_KEYS = List.of("steps", "repeat");
  static final List<String> STEP_KEYS = List.of("after", "notify");
  static final List<String> NOTICES_KEYS = List.of("upstream", "budget", "root-cause-suppression");

  private final List<At> sections;
  private final ChannelReader channelReader;
  private final Set<String> teamIds = new LinkedHashSet<>();

  TeamsReader(LoadContext ctx, List<At> sections) {
    this.sections = sections;
    this.channelReader = new ChannelReader(ctx);
  }

  /** Every well-formed team id defined, including teams too broken to build. */
  Set<String> ids() {
    return teamIds;
  }

  Map<String, Team> read() {
    Map<String, Team> teams = new LinkedHashMap<>();
    Definitions.forEachDefined(
        sections,
        "team",
        (id, key, at) -> {
          teamIds.add(id);
          Team team = team(id, at, key);
          if (team != null) {
            teams.put(id, team);
          }
        });
    return teams;
  }

  private Team team(String id, At at, At key) {
    Fields f = at.fields(TEAM_KEYS);
    if (f == null) {
      return null;
    }
    String name = f.has("name") ? f.get("name").string() : id;
    List<Channel> channels = new ArrayList<>();
    for (String kind : f.keys()) {
      if (!ChannelReader.KINDS.contains(kind)) {
        continue;
      }
      At c = f.get(kind);
      Channel channel = channelReader.read(kind, c);
      if (channel != null) {
        channels.add(channel);
      }
    }
    if (f.keys().stream().noneMatch(ChannelReader.KINDS::contains)) {
      key.warning(
          "has no channels (email, pagerduty, webhook, slack, alertmanager), so it is never"
              + " notified");
    }
    List<String> kinds =
        f.keys().stream().filter(ChannelReader.KINDS::contains).distinct().toList();
    Escalation escalation = f.has("escalation") ? escalation(f.get("escalation"), kinds) : null;
    Notices notices = f.has("notices") ? notices(f.get("notices")) : null;
    return new Team(id, name == null ? id : name, channels, escalation, notices);
  }

  private Escalation escalation(At at, List<String> kinds) {
    Fields f = at.fields(ESCALATION_KEYS);
    if (f == null) {
      return null;
    }
    At stepsAt = f.require("steps", "a list of steps such as { after: 10m, notify: [email] }");
    if (stepsAt == null) {
      return null;
    }
    if (!stepsAt.isSequence() || stepsAt.items().isEmpty()) {
      stepsAt.mustBe("a list of at least one step such as { after: 0m, notify: [pagerduty] }");
      return null;
    }
    List<Escalation.Step> steps = new ArrayList<>();
    Duration previous = null;
    for (At item : stepsAt.items()) {
      Fields sf = item.fields(STEP_KEYS);
      if (sf == null) {
        continue;
      }
      Duration after = Duration.ZERO;
      if (sf.has("after")) {
        Duration v = sf.get("after").duration();
        after = v == null ? after : v;
      }
      if (previous != null && after.compareTo(previous) <= 0) {
        (sf.has("after") ? sf.get("after") : item)
            .mustBe("later than the step before it (" + Units.formatDuration(previous) + ")");
      }
      previous = after;
      At notifyAt = sf.require("notify", "the channel kinds to notify, e.g. [pagerduty, email]");
      List<String> notify = new ArrayList<>();
      if (notifyAt != null) {
        List<At> items = notifyAt.isSequence() ? notifyAt.items() : List.of(notifyAt);
        if (items.isEmpty()) {
          // A step that notifies nobody: the team would believe it is paged and never be.
          notifyAt.mustBe(
              "at least one of the team's channel kinds ("
                  + (kinds.isEmpty() ? "none" : String.join(", ", kinds))
                  + "), e.g. ["
                  + (kinds.isEmpty() ? "email" : kinds.get(0))
                  + "]");
        }
        for (At n : items) {
          String kind = n.string();
          if (kind == null) {
            continue;
          }
          if (notify.contains(kind)) {
            n.error("was '" + kind + "', which is already listed");
          } else if (!kinds.contains(kind)) {
            n.error(
                "was '"
                    + kind
                    + "' but the team has no such channel; it has "
                    + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
          } else {
            notify.add(kind);
          }
        }
      }
      steps.add(new Escalation.Step(after, notify));
    }
    Duration repeat = null;
    if (f.has("repeat")) {
      repeat = f.get("repeat").duration();
      if (repeat != null && repeat.compareTo(Duration.ofMinutes(1)) < 0) {
        f.get("repeat").mustBe("at least 1m");
        repeat = null;
      }
    }
    return new Escalation(steps, repeat);
  }

  private Notices notices(At at) {
    Fields f = at.fields(NOTICES_KEYS);
    if (f == null) {
      return null;
    }
    Notices.Mode upstream =
        f.has("upstream") ? mode(f.get("upstream")) : Notices.DEFAULTS.upstream();
    Notices.Mode budget = f.has("budget") ? mode(f.get("budget")) : Notices.DEFAULTS.budget();
    boolean suppression = Notices.DEFAULTS.rootCauseSuppression();
    if (f.has("root-cause-suppression")) {
      Boolean v = f.get("root-cause-suppression").bool();
      suppression = v == null ? suppression : v;
    }
    return new Notices(
        upstream == null ? Notices.DEFAULTS.upstream() : upstream,
        budget == null ? Notices.DEFAULTS.budget() : budget,
        suppression);
  }

  private static Notices.Mode mode(At at) {
    String v = at.string();
    if ("notice".equals(v)) {
      return Notices.Mode.NOTICE;
    }
    if ("page".equals(v)) {
      return Notices.Mode.PAGE;
    }
    if (v != null) {
      at.mustBe("notice or page");
    }
    return null;
  }
}
