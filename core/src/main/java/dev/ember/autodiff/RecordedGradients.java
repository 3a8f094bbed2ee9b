// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Gathers;
import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.IdentityHashMap;

/**
 * The gradient sums of a recorded backward pass ({@code createGraph}): every contribution and
 * every sum is a recorded tensor operation, so the gradients can be differentiated again.
 */
final class RecordedGradients extends PassGradients {
  private final IdentityHashMap<Node, Tensor> sums = new IdentityHashMap<>();

  @Override
  void seed(Node root, Tensor g) {
    sums.put(root, g);
  }

  @Override
  Tensor take(Node n) {
    return sums.remove(n);
  }

  @Override
  public void add(int input, Tensor g) {
    Tensor in = tracked(input);
    if (in == null) {
      return;
    }
    Shape target = in.shape();
    if (!g.shape().equals(target)) {
      if (!target.broadcastsTo(g.shape())) {
        throw new IllegalStateException(
            current().op + " backward: gradient of shape " + g.shape()
                + " does not reduce to input " + input + " of shape " + target);
      }
      g = g.sumTo(target);
    }
    sums.merge(in.node(), g, Tensor::add);
  }

  @Override
  public void add(int input, OwnedBuffer g) {
    add(input, g.view()); // the buffer is not written again: its view is a constant
  }

  @Override
  public void addComputed(int input, GradientKernel kernel) {
    throw new UnsupportedOperationException(
        current().op + " backward: a gradient written by a kernel cannot be recorded; under "
            + "createGraph the rule must hand tensor operations (check isRecorded())");
  }

  @Override
  public void addProduct(int input, Tensor g, Tensor factor) {
    if (wants(input)) {
      add(input, g.mul(factor));
    }
  }

  @Override
  public void addAt(int input, Tensor g, int base, int[] strides) {
    Tensor in = tracked(input);
    if (in != null) {
      add(input, Gathers.scatter(g, base, strides, in.shape()));
    }
  }

  @Override
  public boolean isRecorded() {
    return true;
  }
}
