// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;

/** Base of the scalar transforms (event dimension 0 on both sides) with a real domain. */
abstract class ElementwiseTransform extends Transform {
  private static final long serialVersionUID = 1L;

  @Override
  public Constraint domain() {
    return Constraints.real();
  }
}
