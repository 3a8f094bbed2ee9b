// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A family of scalar-valued distributions (event shape {@code []}) whose named tensor parameters
 * broadcast to its batch shape: the shapes, the parameter maps and the rebuild from parameters,
 * written once.
 */
abstract class ScalarFamily extends Distribution {
  private static final long serialVersionUID = 1L;
  private final String[] names;
  private final Tensor[] values;
  final Shape batch;

  ScalarFamily(String family, String[] names, Tensor... values) {
    this.batch = ParamChecks.batchOf(family, names, values);
    this.names = names;
    this.values = values;
  }

  /** Parameter {@code i}, as given. */
  final Tensor param(int i) {
    return values[i];
  }

  /** A new member of the family with the given parameters, in constructor order. */
  abstract Distribution create(Tensor... params);

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i].broadcastTo(batch));
    }
    return m;
  }

  @Override
  public Map<String, Tensor> rawParams() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return create(ordered(p));
  }

  /** The parameters in constructor order, each required. */
  final Tensor[] ordered(Map<String, Tensor> p) {
    Tensor[] v = new Tensor[names.length];
    for (int i = 0; i < names.length; i++) {
      v[i] = p.get(names[i]);
      if (v[i] == null) {
        throw new IllegalArgumentException(
            name() + ": withParams needs parameter '" + names[i] + "', got " + p.keySet());
      }
    }
    return v;
  }

  /** {@code t} broadcast to the batch shape (for moments of a tensor-valued family). */
  final Tensor batched(Tensor t) {
    return t.broadcastTo(batch);
  }
}
