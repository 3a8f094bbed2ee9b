// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The gradient of one node being accumulated during a first-order backward pass: the first
 * contribution is kept as is; later ones are added into a buffer the sum owns, in place. A
 * contribution that is fresh (a new array that nothing else refers to, see {@link
 * BackwardFn#returnsFresh}) becomes that buffer itself, so no new one is allocated.
 */
final class GradientSum {
  private final Shape shape;
  private Tensor first;
  private boolean firstFresh;
  private double[] owned;

  GradientSum(Shape shape) {
    this.shape = shape;
  }

  /**
   * Adds {@code g}: in place when the pass is not recorded; otherwise as a recorded {@code add}
   * into a new sum, so that the accumulation itself is differentiable.
   */
  GradientSum plus(Tensor g, boolean createGraph) {
    return plus(g, createGraph, false);
  }

  /** {@link #plus(Tensor, boolean)}; {@code fresh}: {@code g}'s array may be written. */
  GradientSum plus(Tensor g, boolean createGraph, boolean fresh) {
    if (!createGraph) {
      add(g, fresh);
      return this;
    }
    Tensor prev = value();
    GradientSum next = new GradientSum(shape);
    next.first = prev == null ? g : prev.add(g);
    return next;
  }

  void add(Tensor g, boolean fresh) {
    if (owned != null) {
      g.addTo(owned);
    } else if (first == null) {
      first = g;
      firstFresh = fresh;
    } else if (firstFresh) {
      owned = first.sharedValues();
      first = null;
      g.addTo(owned);
    } else if (fresh) {
      owned = g.sharedValues();
      first.addTo(owned); // g + first, the same sum as first + g
      first = null;
    } else {
      // the second contribution: one pass into a new buffer rather than a copy and an add
      double[] a = first.sharedValues();
      double[] b = g.sharedValues();
      if (a.length != b.length) {
        throw new IllegalArgumentException(
            "addTo: " + b.length + " values cannot be added into " + a.length);
      }
      double[] sum = new double[a.length];
      for (int i = 0; i < sum.length; i++) {
        sum[i] = a[i] + b[i];
      }
      owned = sum;
      first = null;
    }
  }

  /**
   * Whether {@link #buffer} is an array this sum owns already (added into, or a fresh first
   * contribution), so that adding into it allocates nothing.
   */
  boolean ownsBuffer() {
    return owned != null || (first != null && firstFresh);
  }

  /** The buffer to add into directly (created from what has been added so far). */
  double[] buffer() {
    if (owned == null) {
      owned = first == null ? new double[shape.numel()]
          : firstFresh ? first.sharedValues() : first.toArray();
      first = null;
    }
    return owned;
  }

  Tensor value() {
    return owned != null ? Tensor.adopt(owned, shape) : first;
  }
}
