// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;

/**
 * The count, mean and standard deviation of a dataset's values (every step of every series),
 * mergeable over partitions: each sequence's mean and sum of squared deviations are computed in
 * two passes over it, and sequences and partitions are merged with Chan, Golub and LeVeque's
 * pairwise formula, so the result is numerically stable whatever the order or the grouping (up
 * to rounding).
 *
 * <pre>{@code
 * ValueStats s = ValueStats.empty().add(new double[] {1.0, 2.0}).merge(other);
 * s.mean();
 * s.sd();                       // with the n - 1 denominator
 * s.scaleWarning();             // present when the data are far from a model's unit scale
 * }</pre>
 *
 * <p>Reference: T. F. Chan, G. H. Golub, R. J. LeVeque (1979), Updating formulae and a pairwise
 * algorithm for computing sample variances.
 *
 * @param count the number of values
 * @param mean their mean (0 without values)
 * @param m2 the sum of squared deviations from the mean
 */
public record ValueStats(long count, double mean, double m2) implements Serializable {

  /**
   * A mean or sd beyond this (in absolute value) is far from the unit scale that priors such as
   * {@code Normal(0, 1)} and initial values such as a scale of 0.1 assume.
   */
  public static final double FAR_FROM_UNIT_SCALE = 1e3;

  /** No values: the identity of {@link #merge}. */
  public static ValueStats empty() {
    return new ValueStats(0, 0.0, 0.0);
  }

  /**
   * These statistics with {@code values} added: the values' own mean and sum of squared
   * deviations (two passes over them), merged in by {@link #merge}.
   */
  public ValueStats add(double[] values) {
    return merge(of(values, 0, values.length));
  }

  /**
   * The statistics of {@code values[from .. to)}: their mean, then their squared deviations, each
   * summed in four partial sums by position mod 4 (four independent additions in flight instead of
   * one chain).
   */
  static ValueStats of(double[] values, int from, int to) {
    if (to <= from) {
      return empty();
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    for (; i + 4 <= to; i += 4) {
      s0 += values[i];
      s1 += values[i + 1];
      s2 += values[i + 2];
      s3 += values[i + 3];
    }
    for (; i < to; i++) {
      s0 += values[i];
    }
    double mu = ((s0 + s1) + (s2 + s3)) / (to - from);
    s0 = 0;
    s1 = 0;
    s2 = 0;
    s3 = 0;
    for (i = from; i + 4 <= to; i += 4) {
      double d0 = values[i] - mu;
      double d1 = values[i + 1] - mu;
      double d2 = values[i + 2] - mu;
      double d3 = values[i + 3] - mu;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < to; i++) {
      s0 += (values[i] - mu) * (values[i] - mu);
    }
    return new ValueStats(to - from, mu, (s0 + s1) + (s2 + s3));
  }

  /** The statistics of the values of this and {@code other} together (Chan et al.). */
  public ValueStats merge(ValueStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    long n = count + other.count;
    double d = other.mean - mean;
    double mu = mean + d * ((double) other.count / n);
    double s = m2 + other.m2 + d * d * ((double) count * other.count / n);
    return new ValueStats(n, mu, s);
  }

  /** The sample standard deviation ({@code n - 1} denominator; 0 for fewer than two values). */
  public double sd() {
    return count < 2 ? 0.0 : Math.sqrt(m2 / (count - 1));
  }

  /**
   * A warning when the data are far from a model's unit scale: {@code |mean|} or {@code sd}
   * beyond {@link #FAR_FROM_UNIT_SCALE} (or not finite), naming both; empty otherwise.
   */
  public Optional<String> scaleWarning() {
    double sd = sd();
    boolean far = !(Math.abs(mean) <= FAR_FROM_UNIT_SCALE) || !(sd <= FAR_FROM_UNIT_SCALE);
    if (!far) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "the data's values have mean %.6g and sd %.6g "
        + "(%d values), far from the unit scale that priors and initial values usually assume; "
        + "standardize them (subtract the mean, divide by the sd) or give the model priors and "
        + "initial values on the data's scale", mean, sd, count));
  }
}
