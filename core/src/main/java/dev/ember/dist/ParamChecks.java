// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/** Argument validation shared by the distributions: every message names family, parameter, value. */
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

  private static void fail(String dist, String param, String what, Tensor t, int i) {
    throw new IllegalArgumentException(
        dist + ": " + param + " must be " + what + ", but got " + t.toArray()[i]
            + (t.size() > 1 ? " at position " + i : ""));
  }

  static void finite(String dist, String param, Tensor t) {
    double[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        fail(dist, param, "finite", t, i);
      }
    }
  }

  static void positive(String dist, String param, Tensor t) {
    double[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      if (!(d[i] > 0) || Double.isInfinite(d[i])) {
        fail(dist, param, "positive and finite", t, i);
      }
    }
  }

  static void unitInterval(String dist, String param, Tensor t) {
    double[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] <= 1)) {
        fail(dist, param, "in [0, 1]", t, i);
      }
    }
  }

  static void nonnegativeInteger(String dist, String param, Tensor t) {
    double[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      if (!(d[i] >= 0) || d[i] != Math.rint(d[i]) || Double.isInfinite(d[i])) {
        fail(dist, param, "a non-negative integer", t, i);
      }
    }
  }

  static void notNaN(String dist, String param, Tensor t) {
    double[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      if (Double.isNaN(d[i]) || d[i] == Double.POSITIVE_INFINITY) {
        fail(dist, param, "finite or -inf", t, i);
      }
    }
  }
}
