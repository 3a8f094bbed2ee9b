// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * The backward rule of an operation whose inputs are all the rows of one tracked tensor, the
 * base, in order ({@code base.select(0, i)} for every {@code i}), and whose output has the base's
 * values: a stack of a scan's per-step slices of a series. The output's gradient is then the
 * base's gradient as well, whether it goes through the rows or straight to the base. The engine
 * hands it to the base directly in a first-order pass when no row's own gradient is asked for,
 * which saves a copy and a scatter per row; otherwise, and under {@code createGraph}, it calls
 * {@link #apply} for each row.
 *
 * <pre>{@code
 * // the rule of stack(x.select(0, 0), ..., x.select(0, T - 1)) for a tracked x of shape [T, B]
 * RowsOfBackward rule = new RowsOfBackward() {
 *   public Tensor apply(Tensor g, Tensor out, int input) { return g.select(0, input); }
 *   public Tensor base() { return x; }
 * };
 * }</pre>
 */
public interface RowsOfBackward extends BackwardFn {
  /** The tensor whose rows the inputs are. */
  Tensor base();
}
