// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * Deletes a path that this run created if the JVM stops before the run could remove it itself:
 * on SIGINT (Ctrl-C) or SIGTERM ({@code kill}), or {@link System#exit}. Closing it, when the run
 * has deleted or kept the path itself, withdraws the deletion.
 *
 * <pre>{@code
 * try (DeleteOnShutdown guard = DeleteOnShutdown.register(fs, staging)) {
 *   ... write into staging, then rename it or delete it ...
 * }
 * }</pre>
 *
 * <p>The deletion is a Hadoop shutdown hook ({@link ShutdownHookManager}) of a priority between
 * Spark's and Hadoop's file systems': it runs after Spark's own hooks have stopped the
 * SparkContext, so no task still writes into the path, and before Hadoop closes the cached file
 * systems it deletes through. A {@code kill -9} runs no hook; what it leaves behind is named by
 * the next run that finds it in its way.
 */
public final class DeleteOnShutdown implements AutoCloseable {
  /** After Spark's hooks (SHUTDOWN_HOOK_PRIORITY + 30), before the file systems close (+ 0). */
  static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;

  private final Runnable hook;

  private DeleteOnShutdown(Runnable hook) {
    this.hook = hook;
  }

  /**
   * Deletes {@code path} (recursively) if the JVM stops before {@link #close}.
   *
   * @throws IllegalStateException if the JVM is already stopping
   */
  public static DeleteOnShutdown register(FileSystem fs, Path path) {
    Runnable hook = () -> {
      try {
        fs.delete(path, true);
      } catch (IOException e) {
        System.err.println("could not delete " + path + " on shutdown: " + e.getMessage());
      }
    };
    ShutdownHookManager.get().addShutdownHook(hook, PRIORITY);
    return new DeleteOnShutdown(hook);
  }

  /** Withdraws the deletion (unless the JVM is already stopping, when it runs anyway). */
  @Override
  public void close() {
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }
}
