// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar for iterative fits: step, smoothed loss, rate and time left,
 * redrawn in place at most every 100 ms. It draws only when asked and stdout is a terminal, so
 * logs of batch jobs stay clean.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.console(steps, "steps");
 * for (int i = 0; i < steps; i++) {
 *   bar.update(i + 1, loss, 1);
 * }
 * bar.finish();
 * }</pre>
 */
public final class ProgressBar {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final double SMOOTHING = 0.9;

  private final PrintStream out;
  private final long total;
  private final String unit;
  private final long start = System.nanoTime();
  private long lastDraw;
  private double smoothed = Double.NaN;
  private long units;

  private ProgressBar(PrintStream out, long total, String unit) {
    this.out = out;
    this.total = total;
    this.unit = unit;
  }

  /** A bar on standard error when standard output is a terminal, else one that draws nothing. */
  public static ProgressBar console(long total, String unit) {
    return new ProgressBar(System.console() != null ? System.err : null, total, unit);
  }

  /** A bar that draws on {@code out} (null: draws nothing). */
  public static ProgressBar to(PrintStream out, long total, String unit) {
    return new ProgressBar(out, total, unit);
  }

  /** A bar that draws nothing. */
  public static ProgressBar off() {
    return new ProgressBar(null, 0, "");
  }

  /**
   * Records step {@code step} (1-based) with its loss and the units it processed (steps, rows).
   */
  public void update(long step, double loss, long processedUnits) {
    if (Double.isFinite(loss)) {
      smoothed = Double.isNaN(smoothed) ? loss : SMOOTHING * smoothed + (1 - SMOOTHING) * loss;
    }
    units += processedUnits;
    long now = System.nanoTime();
    if (out != null && (now - lastDraw >= REDRAW_NANOS || step == total)) {
      lastDraw = now;
      out.print('\r' + line(step, now));
      out.flush();
    }
  }

  /** The smoothed loss (an exponential moving average with weight 0.9 on the past). */
  public double smoothedLoss() {
    return smoothed;
  }

  /** Ends the line. */
  public void finish() {
    if (out != null) {
      out.println();
    }
  }

  String line(long step, long now) {
    double seconds = Math.max((now - start) / 1e9, 1e-9);
    double rate = units / seconds;
    double perStep = seconds / Math.max(step, 1);
    long left = Math.max(total - step, 0);
    int width = 30;
    int filled = total > 0 ? (int) Math.min(width, width * step / total) : 0;
    return String.format(Locale.ROOT, "[%s%s] %d/%d loss %.4g | %.1f %s/s | ETA %s",
        "=".repeat(filled), " ".repeat(width - filled), step, total, smoothed, rate, unit,
        duration(perStep * left));
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
