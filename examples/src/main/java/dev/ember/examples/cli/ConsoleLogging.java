// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.spark.SparkContext;

/**
 * The console of the examples' mains: Spark's and Hadoop's own INFO lines off (WARN and above
 * stay), Ember's own messages ({@code dev.ember}, INFO) on, and a failing task reported once, by
 * the driver's one line ({@link FailureReport}), not also by the executor's stack trace and the
 * scheduler's warnings about it.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().config(ConsoleLogging.SPARK_LEVEL, "WARN")
 *     .getOrCreate();
 * ConsoleLogging.quiet();
 * }</pre>
 *
 * <p>Three settings do it, as {@link JobIo#session} applies them. The examples' {@code
 * log4j2.properties} sets all these levels for a run with {@code java} or {@code mvn exec:java}:
 * log4j finds it on the class path before Spark starts, and Spark keeps it. Under {@code
 * spark-submit}, Spark installs its own INFO profile again when the session starts (the
 * application jar comes later, in a class loader of its own); there {@link #SPARK_LEVEL} sets
 * Spark's level as the session starts, after Spark's three lines of its version, and {@link
 * #quiet()}, once the session runs, sets the levels of the loggers named above.
 */
public final class ConsoleLogging {
  private ConsoleLogging() {}

  /** Spark's setting of its log level at the start of the session (Spark 4). */
  public static final String SPARK_LEVEL = "spark.log.level";

  /** Sets the levels of Ember's and Spark's task-failure loggers in Spark's logging context. */
  public static void quiet() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(
        SparkContext.class.getClassLoader(), false);
    Configuration config = ctx.getConfiguration();
    set(config, "dev.ember", Level.INFO);
    set(config, "org.apache.spark.executor.Executor", Level.OFF);
    set(config, "org.apache.spark.scheduler.TaskSetManager", Level.ERROR);
    ctx.updateLoggers();
  }

  private static void set(Configuration config, String logger, Level level) {
    LoggerConfig own = config.getLoggers().get(logger);
    if (own == null) {
      config.addLogger(logger, new LoggerConfig(logger, level, true));
    } else {
      own.setLevel(level);
    }
  }
}
