// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * The composition {@code parts[n-1] ∘ ... ∘ parts[0]} (the first part applies first).
 *
 * <p>Log-determinants add. A part that works on fewer event dimensions than the composition
 * (e.g. an elementwise {@code exp} after a vector-valued stick breaking) has its log-determinant
 * summed over the extra rightmost dimensions, so that every term has the composition's batch
 * shape.
 *
 * <pre>{@code
 * Transform t = new ComposeTransform(List.of(new ExpTransform(),
 *     new AffineTransform(Tensor.scalar(1.0), Tensor.scalar(1.0))));
 * t.forward(Tensor.of(0.0)); // [2.0] = exp(0) + 1
 * }</pre>
 */
public final class ComposeTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final List<Transform> parts;
  private final int domainEventDim;
  private final int codomainEventDim;

  /** Composes {@code parts}, applying the first one first. */
  public ComposeTransform(List<Transform> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("ComposeTransform: needs at least one transform");
    }
    this.parts = List.copyOf(parts);
    // the event dims of the input must cover what every part needs after the shifts before it
    int shift = 0;
    int need = 0;
    for (Transform t : this.parts) {
      need = Math.max(need, t.domainEventDim() - shift);
      shift += t.codomainEventDim() - t.domainEventDim();
    }
    this.domainEventDim = need;
    this.codomainEventDim = need + shift;
  }

  /** The parts, first applied first. */
  public List<Transform> parts() {
    return parts;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = x;
    for (Transform t : parts) {
      y = t.forward(y);
    }
    return y;
  }

  @Override
  public Tensor inverse(Tensor y) {
    Tensor x = y;
    for (int i = parts.size() - 1; i >= 0; i--) {
      x = parts.get(i).inverse(x);
    }
    return x;
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor total = null;
    Tensor in = x;
    int eventDim = domainEventDim;
    for (Transform t : parts) {
      Tensor out = t.forward(in);
      Tensor term = t.logAbsDetJacobian(in, out);
      for (int extra = eventDim - t.domainEventDim(); extra > 0; extra--) {
        term = term.sum(-1);
      }
      total = total == null ? term : total.add(term);
      eventDim += t.codomainEventDim() - t.domainEventDim();
      in = out;
    }
    return total;
  }

  @Override
  public int domainEventDim() {
    return domainEventDim;
  }

  @Override
  public int codomainEventDim() {
    return codomainEventDim;
  }

  @Override
  public Constraint domain() {
    return parts.get(0).domain();
  }

  @Override
  public Constraint codomain() {
    return parts.get(parts.size() - 1).codomain();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    Shape s = xShape;
    for (Transform t : parts) {
      s = t.forwardShape(s);
    }
    return s;
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    Shape s = yShape;
    for (int i = parts.size() - 1; i >= 0; i--) {
      s = parts.get(i).inverseShape(s);
    }
    return s;
  }
}
