// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * Argument validation shared by the distributions: every message names family, parameter, value.
 * The checks return their tensor so they can run inside a {@code super(...)} call. The common
 * checks (finite, positive) read each distinct element of a view once, so a broadcast parameter
 * costs what its own values cost.
 */
final class ParamChecks {
  private ParamChecks() {}

  /** The broadcast batch shape of scalar-event parameters. */
  static Shape batchOf(String dist, String[] names, Tensor... params) {
    Shape s = params[0].shape();
    for (int i = 1; i < params.length; i++) {
      try {
        s = Shape.broadcast(s, params[i].shape(), dist);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            dist + ": parameter " + names[i] + " of shape " + params[i].shape()
                + " does not broadcast with the other parameters' shape " + s, e);
      }
    }
    return s;
  }

  private static void check(
      String dist, String param, String what, Tensor t, java.util.function.DoublePredicate ok) {
    int i = t.firstViolation(ok);
    if (i >= 0) {
      throw new IllegalArgumentException(
          dist + ": " + param + " must be " + what + ", but got " + t.toArray()[i]
              + (t.size() > 1 ? " at position " + i : ""));
    }
  }

  static Tensor finite(String dist, String param, Tensor t) {
    if (t.allFinite()) {
      return t; // the common case, in one branch-free pass
    }
    check(dist, param, "finite", t, Double::isFinite);
    return t;
  }

  static Tensor positive(String dist, String param, Tensor t) {
    if (t.allPositiveFinite()) {
      return t;
    }
    check(dist, param, "positive and finite", t, v -> v > 0 && v < Double.POSITIVE_INFINITY);
    return t;
  }

  static Tensor unitInterval(String dist, String param, Tensor t) {
    check(dist, param, "in [0, 1]", t, v -> v >= 0 && v <= 1);
    return t;
  }

  static Tensor nonnegativeInteger(String dist, String param, Tensor t) {
    check(dist, param, "a non-negative integer", t,
        v -> v >= 0 && v == Math.rint(v) && v < Double.POSITIVE_INFINITY);
    return t;
  }

  static Tensor notNaN(String dist, String param, Tensor t) {
    check(dist, param, "finite or -inf", t, v -> !Double.isNaN(v) && v != Double.POSITIVE_INFINITY);
    return t;
  }
}
