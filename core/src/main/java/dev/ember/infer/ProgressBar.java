// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar for iterative fits: step, smoothed loss, rate and time left,
 * redrawn in place at most every 100 ms. It draws only when asked and stdout is a terminal, so
 * logs of batch jobs stay clean. For a log or a console that is not a terminal, {@link #lines}
 * prints a whole line every so many steps instead, which a redrawn bar cannot be read as.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.console(steps, "steps");
 * for (int i = 0; i < steps; i++) {
 *   bar.update(i + 1, loss, 1);
 * }
 * bar.finish();
 *
 * ProgressBar.lines(System.out, steps, "rows", 100);  // "step 100/1000 loss ... | ... rows/s"
 * }</pre>
 */
public final class ProgressBar {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final double SMOOTHING = 0.9;

  private final PrintStream out;
  private final long total;
  private final String unit;
  private final int every; // > 0: a line of its own every `every` steps; 0: a bar redrawn
  private final long start = System.nanoTime();
  private long lastDraw;
  private double smoothed = Double.NaN;
  private long units;
  private long before = -1; // the step before the first one recorded (a resumed fit's start)

  private ProgressBar(PrintStream out, long total, String unit, int every) {
    this.out = out;
    this.total = total;
    this.unit = unit;
    this.every = every;
  }

  /** A bar on standard error when standard output is a terminal, else one that draws nothing. */
  public static ProgressBar console(long total, String unit) {
    return new ProgressBar(System.console() != null ? System.err : null, total, unit, 0);
  }

  /** A bar that draws on {@code out} (null: draws nothing). */
  public static ProgressBar to(PrintStream out, long total, String unit) {
    return new ProgressBar(out, total, unit, 0);
  }

  /**
   * Progress as lines on {@code out}, one at the first step recorded (the fit has begun), at
   * every {@code every}-th step and at the last: the step, its loss, the smoothed loss, the rate,
   * the time so far and the time left.
   *
   * @throws IllegalArgumentException if {@code every} is not positive
   */
  public static ProgressBar lines(PrintStream out, long total, String unit, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("progress lines: every " + every + " steps; give a "
          + "positive number of steps between lines");
    }
    return new ProgressBar(java.util.Objects.requireNonNull(out, "out"), total, unit, every);
  }

  /** A bar that draws nothing. */
  public static ProgressBar off() {
    return new ProgressBar(null, 0, "", 0);
  }

  /**
   * Records step {@code step} (1-based) with its loss and the units it processed (steps, rows).
   */
  public void update(long step, double loss, long processedUnits) {
    if (Double.isFinite(loss)) {
      smoothed = Double.isNaN(smoothed) ? loss : SMOOTHING * smoothed + (1 - SMOOTHING) * loss;
    }
    units += processedUnits;
    boolean first = before < 0;
    if (first) {
      before = step - 1;
    }
    long now = System.nanoTime();
    double seconds = Math.max((now - start) / 1e9, 1e-9);
    if (every > 0) {
      if (first || step % every == 0 || step == total) {
        out.println(logLine(step, loss, seconds));
        out.flush();
      }
      return;
    }
    if (out != null && (now - lastDraw >= REDRAW_NANOS || step == total)) {
      lastDraw = now;
      out.print('\r' + line(step, seconds));
      out.flush();
    }
  }

  /** The smoothed loss (an exponential moving average with weight 0.9 on the past). */
  public double smoothedLoss() {
    return smoothed;
  }

  /** Ends the line (lines end themselves). */
  public void finish() {
    if (out != null && every == 0) {
      out.println();
    }
  }

  /** The bar at step {@code step}, {@code seconds} after it was made. */
  String line(long step, double seconds) {
    int width = 30;
    int filled = total > 0 ? (int) Math.min(width, width * step / total) : 0;
    return String.format(Locale.ROOT, "[%s%s] %d/%d loss %.4g | %.1f %s/s | ETA %s",
        "=".repeat(filled), " ".repeat(width - filled), step, total, smoothed, units / seconds,
        unit, duration(left(step, seconds)));
  }

  /** The line of step {@code step}, whose loss is {@code loss}, {@code seconds} after it began. */
  String logLine(long step, double loss, double seconds) {
    return String.format(Locale.ROOT, "step %d/%d loss %.6g (smoothed %.6g) | %.1f %s/s | %s,"
        + " ETA %s", step, total, loss, smoothed, units / seconds, unit, duration(seconds),
        duration(left(step, seconds)));
  }

  /**
   * The seconds left after step {@code step}, at the pace of the steps recorded so far: those
   * after {@link #before}, so that a fit resumed at step 500 of 1 000 is not paced as if it had
   * run 500 steps already.
   */
  private double left(long step, double seconds) {
    return seconds / Math.max(step - before, 1) * Math.max(total - step, 0);
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
