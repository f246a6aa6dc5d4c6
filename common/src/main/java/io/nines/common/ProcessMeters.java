package io.nines.common;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's and the process's own meters on a registry, for the agent and the coordinator alike:
 * memory and buffer pools, garbage collection and heap pressure, threads, classes, {@code
 * jvm_info}, uptime and open file descriptors (Micrometer's binders: {@code jvm_*}, {@code
 * process_*}), and CPU.
 *
 * <p>CPU is measured here rather than with Micrometer's {@code ProcessorMetrics} and {@code
 * JvmCompilationMetrics}, whose {@code process_cpu_time_ns_total}, {@code
 * jvm_compilation_time_ms_total} and {@code system_cpu_count} names {@code promtool check metrics}
 * rejects (abbreviated units, a {@code _count} suffix on a gauge). The CPU meters are {@code
 * process.cpu.usage}, {@code system.cpu.usage} (0 to 1, as Micrometer's), {@code
 * system.load.average.1m} and {@code process.cpu} in seconds ({@code process_cpu_seconds_total},
 * the name Prometheus' own clients use).
 *
 * <p>{@link #close} stops the listeners the garbage collection meters hold; the meters stay
 * registered.
 */
public final class ProcessMeters implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

  private ProcessMeters() {}

  /** Binds every meter to {@code registry}; call once per registry. */
  public static ProcessMeters bindTo(MeterRegistry registry) {
    Checks.notNull(registry, "registry");
    ProcessMeters m = new ProcessMeters();
    new JvmMemoryMetrics().bindTo(registry);
    m.gc.bindTo(registry);
    m.heapPressure.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    bindCpu(registry);
    return m;
  }

  private static void bindCpu(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os.getSystemLoadAverage() >= 0) {
      Gauge.builder("system.load.average.1m", os, OperatingSystemMXBean::getSystemLoadAverage)
          .description(
              "The sum of the number of runnable entities queued to available processors and the"
                  + " number of runnable entities running on them, averaged over a minute")
          .register(registry);
    }
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      Gauge.builder("system.cpu.usage", sun, com.sun.management.OperatingSystemMXBean::getCpuLoad)
          .description("The recent CPU usage of the whole system, 0 to 1")
          .register(registry);
      Gauge.builder(
              "process.cpu.usage", sun, com.sun.management.OperatingSystemMXBean::getProcessCpuLoad)
          .description("The recent CPU usage of this process, 0 to 1")
          .register(registry);
      FunctionCounter.builder(
              "process.cpu", sun, b -> b.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
          .baseUnit("seconds")
          .description("CPU time this process used, user and system")
          .register(registry);
    }
  }

  @Override
  public void close() {
    gc.close();
    heapPressure.close();
  }
}
