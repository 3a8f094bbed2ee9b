// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.SparkException;

/**
 * How the mains report a failure: one line on standard error that names what failed, and the
 * stack trace only when {@code --verbose} is given. The exit status is 2 for a bad command line
 * (a {@link Flags.UsageException}: a bad option, a missing path, a folder that is not Parquet) and
 * 1 for any other failure.
 *
 * <pre>{@code
 * int status = FailureReport.run("Train", args, () -> Train.run(args, System.out), System.err);
 * // "Train: option --data: nothing at /data/x; give an existing file or folder ...", status 2
 * }</pre>
 *
 * <p>The line is the failure's own message, or for a wrapped failure the wrapper's and the root
 * cause's; a Spark job aborted by a failing task is reported by the task's failure, which is what
 * the user can act on.
 */
public final class FailureReport {
  private FailureReport() {}

  /** Exit status of a bad command line. */
  public static final int USAGE = 2;

  /** Exit status of any other failure. */
  public static final int FAILED = 1;

  /**
   * Runs {@code body}; on a failure prints its one line (and with {@code --verbose} among {@code
   * args} the stack trace) on {@code err} and returns the exit status; 0 if it succeeded.
   */
  public static int run(String command, String[] args, Runnable body, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    try {
      body.run();
      return 0;
    } catch (Throwable e) {
      boolean usage = e instanceof Flags.UsageException;
      err.println(command + ": " + oneLine(e)
          + (usage || verbose ? "" : " (--verbose prints the stack trace)"));
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return usage ? USAGE : FAILED;
    }
  }

  /** The failure in one line. */
  public static String oneLine(Throwable t) {
    Throwable root = rootCause(t);
    if (root == t || t instanceof SparkException) {
      return describe(root);
    }
    String outer = firstLine(t);
    String inner = describe(root);
    return outer.contains(firstLine(root)) ? outer : outer + ": " + inner;
  }

  /** The last cause in {@code t}'s chain. */
  public static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  /** The first line of {@code t}'s message; its class's name if it has none. */
  public static String firstLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** The message, prefixed by the class's name unless the class is a plain argument error. */
  private static String describe(Throwable t) {
    String line = firstLine(t);
    boolean plain = t instanceof IllegalArgumentException || t instanceof IllegalStateException
        || line.equals(t.getClass().getSimpleName());
    return plain ? line : t.getClass().getSimpleName() + ": " + line;
  }
}
