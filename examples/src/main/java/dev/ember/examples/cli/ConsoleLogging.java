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
 * ConsoleLogging.quiet();                       // before the session starts
 * SparkSession spark = SparkSession.builder().getOrCreate();
 * spark.sparkContext().setLogLevel("INFO");     // --log-level INFO: Spark's INFO back on
 * }</pre>
 *
 * <p>The examples' {@code log4j2.properties} sets the same levels for a run with {@code java} or
 * {@code mvn exec:java}, so that Spark does not install its own INFO profile. Under {@code
 * spark-submit}, Spark has set up logging before it loads the application jar (in a class loader
 * of its own, which log4j would give a logging context of its own); {@link #quiet()}, which
 * {@link JobIo#session} calls before the session starts, applies the levels to Spark's context.
 * A level already quieter than WARN is kept.
 */
public final class ConsoleLogging {
  private ConsoleLogging() {}

  /** Applies the levels above to the logging context of Spark's classes. */
  public static void quiet() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(
        SparkContext.class.getClassLoader(), false);
    Configuration config = ctx.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    if (root.getLevel() == null || root.getLevel().isLessSpecificThan(Level.WARN)) {
      root.setLevel(Level.WARN);
    }
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
