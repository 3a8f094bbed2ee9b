// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

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
 * spark-submit}, Spark has set up logging before it reads the application jar; {@link #quiet()},
 * which {@link JobIo#session} calls before the session starts, applies the levels there. A level
 * already quieter than WARN is kept.
 */
public final class ConsoleLogging {
  private ConsoleLogging() {}

  /** Applies the levels above to this JVM's log4j configuration. */
  public static void quiet() {
    if (LogManager.getRootLogger().getLevel().isLessSpecificThan(Level.WARN)) {
      Configurator.setRootLevel(Level.WARN);
    }
    Configurator.setLevel("dev.ember", Level.INFO);
    Configurator.setLevel("org.apache.spark.executor.Executor", Level.OFF);
    Configurator.setLevel("org.apache.spark.scheduler.TaskSetManager", Level.ERROR);
  }
}
