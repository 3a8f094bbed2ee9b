// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where the time before a fit's first step went (nanoseconds): the set-up pass over the data
 * ({@link DataPreparation}), the first window of the minibatch index with the rows of its first
 * minibatch ({@link MinibatchIndex}: sorting the keys, searching the boundaries, fetching the
 * rows, in the same job when they are few), initialising the params on them or resuming them
 * ({@link FitStart}), and, with per-series params, regrouping the rows by id (when the
 * partitions' id ranges overlap) and, when resuming, reading every series' state back where its
 * row is (a fresh fit makes a series' state at the first step that holds it).
 *
 * <pre>{@code
 * SparkSviModel fit = sparkSvi.fit(data, 100);
 * System.out.println(fit.setupTimings().summary());   // in ms
 * }</pre>
 *
 * @param pass the set-up pass
 * @param index the first window of the minibatch index and the rows of its first minibatch
 * @param start initialising or resuming the params
 * @param series per-series params: the rows regrouped by id, every series' state read back (0
 *     without)
 */
public record SetupTimings(long pass, long index, long start, long series) implements Serializable {

  /** No set-up (a model made from params). */
  public static SetupTimings zero() {
    return new SetupTimings(0, 0, 0, 0);
  }

  /** The total. */
  public long total() {
    return pass + index + start + series;
  }

  /** The parts in milliseconds, one line. */
  public String summary() {
    return String.format(Locale.ROOT, "set-up (ms): %.1f = pass %.1f, minibatch index and first"
        + " minibatch %.1f, init %.1f, per-series state %.1f", total() / 1e6, pass / 1e6,
        index / 1e6, start / 1e6, series / 1e6);
  }
}
