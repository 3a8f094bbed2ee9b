// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * The argument checks of {@link Optimizer#updateElements}: the optimizer is elementwise, every
 * array has one length, there are as many moments in and out as the optimizer keeps, and none of
 * them is null.
 *
 * <pre>{@code
 * ElementArrays.check(adam, "Adam", x, g, slots, xOut, slotsOut, 2); // throws, naming what differs
 * }</pre>
 */
final class ElementArrays {
  private ElementArrays() {}

  static void check(Optimizer opt, String optimizer, double[] x, double[] g, double[][] slots,
      double[] xOut, double[][] slotsOut, int moments) {
    if (!opt.isElementwise()) {
      throw new UnsupportedOperationException(optimizer + " is not elementwise (isElementwise() "
          + "is false): update its parameters' tensors whole with update()");
    }
    String where = optimizer + ".updateElements: ";
    if (x == null || g == null || slots == null || xOut == null || slotsOut == null) {
      throw new IllegalArgumentException(where + "values, gradient, moments and the arrays for "
          + "the results must all be given");
    }
    if (slots.length != moments || slotsOut.length != moments) {
      throw new IllegalArgumentException(where + optimizer + " keeps " + moments + " moments per "
          + "element, but " + slots.length + " arrays of moments and " + slotsOut.length
          + " for the new ones were given");
    }
    int n = x.length;
    check(where, "the gradient", g, n);
    check(where, "the new values", xOut, n);
    for (int s = 0; s < moments; s++) {
      check(where, "moment " + s, slots[s], n);
      check(where, "new moment " + s, slotsOut[s], n);
    }
  }

  private static void check(String where, String what, double[] a, int n) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException(where + what + " has " + (a == null ? "no array"
          : a.length + " elements") + " but the values have " + n + "; every array holds the same"
          + " elements, in the same order");
    }
  }
}
