package io.nines.agent.browser;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Chromium an agent has started and not yet reaped, so that none outlives the agent: {@link
 * #reapAll} kills them (on agent stop, and from a JVM shutdown hook on SIGTERM or Ctrl-C).
 * Thread-safe. A {@code kill -9} of the agent runs no hook: then each Chromium notices its parent
 * is gone only through the DevTools socket closing, so the agent's launcher should run it in its
 * own process group (systemd's {@code KillMode=control-group} does).
 */
final class ProcessRegistry {
  private final Set<Chromium> live = ConcurrentHashMap.newKeySet();
  private Thread hook;

  /** Installs a JVM shutdown hook that reaps every Chromium still live; idempotent. */
  synchronized void installShutdownHook() {
    if (hook != null) {
      return;
    }
    hook = new Thread(this::reapAll, "nines-chromium-reaper");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: nothing new starts either.
    }
  }

  /** Removes the hook (when the agent stops in a JVM that goes on, as in tests). */
  synchronized void removeShutdownHook() {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook runs anyway.
    }
    hook = null;
  }

  void add(Chromium chromium) {
    live.add(chromium);
  }

  boolean remove(Chromium chromium) {
    return live.remove(chromium);
  }

  /** The browsers started and not yet reaped. */
  List<Chromium> live() {
    return List.copyOf(live);
  }

  /** Kills every live Chromium's process tree and deletes its profile. Blocks; any thread. */
  void reapAll() {
    for (Chromium c : List.copyOf(live)) {
      c.reap();
      live.remove(c);
    }
  }
}
