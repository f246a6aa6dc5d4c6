package io.nines.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a long-running command alive until the JVM is asked to stop. */
final class Processes {
  private Processes() {}

  /** Something to run at shutdown that may throw. */
  interface Shutdown {
    void run() throws Exception;
  }

  /** Blocks until SIGTERM or Ctrl-C, then runs {@code shutdown}. */
  static void awaitShutdown(Shutdown shutdown) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    shutdown.run();
                  } catch (Exception e) {
                    // Exiting anyway.
                  } finally {
                    stopped.countDown();
                  }
                },
                "nines-shutdown"));
    stopped.await();
  }
}
