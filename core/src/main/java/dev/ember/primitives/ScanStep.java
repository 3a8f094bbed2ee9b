// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

/**
 * What a scan body returns: the next carry and this step's output.
 *
 * @param carry the state passed to the next step
 * @param output this step's output (stacked over time into the scan's {@code ys})
 * @param <C> the carry type (a tensor tree)
 * @param <Y> the output type (a tensor tree)
 */
public record ScanStep<C, Y>(C carry, Y output) {
  /** A step result. */
  public static <C, Y> ScanStep<C, Y> of(C carry, Y output) {
    return new ScanStep<>(carry, output);
  }
}
