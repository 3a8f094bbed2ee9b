// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * The running gradient sums of one backward pass, by node, and the {@link Gradients} that the
 * rule of the node being visited hands its inputs' gradients to ({@link #at}).
 */
abstract class PassGradients implements Gradients {
  /** The node whose rule runs now. */
  private Node current;

  /** Runs {@code n}'s rule with its complete gradient {@code g}, this receiving what it hands. */
  final void runRule(Node n, Tensor g) {
    current = n;
    n.backward.backward(g, this);
    ruleDone();
  }

  /** Called when the current node's rule has returned. */
  void ruleDone() {}

  /** Gives the root its gradient. */
  abstract void seed(Node root, Tensor g);

  /** The complete gradient of {@code n}, which is no longer summed; null if it has none. */
  abstract Tensor take(Node n);

  /** Input {@code i} of the current node if it is tracked, else null. */
  final Tensor tracked(int i) {
    Tensor in = current.inputs[i];
    return in.node() == null ? null : in;
  }

  @Override
  public final Tensor output() {
    return current.output;
  }

  @Override
  public final boolean wants(int input) {
    return current.inputs[input].node() != null;
  }

  /** The node whose rule runs now, for messages. */
  final Node current() {
    return current;
  }
}
