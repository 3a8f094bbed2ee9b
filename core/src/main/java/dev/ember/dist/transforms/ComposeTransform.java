// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * The composition {@code parts[n-1] ∘ ... ∘ parts[0]} (the first part applies first).
 *
 * <p>Event dimensions: the composition's domain event dimension is the least {@code D} such that
 * every part sees at least its own domain event dimension, where a part sees {@code D} shifted by
 * the {@code codomainEventDim - domainEventDim} of the parts before it. Log-determinants add; a
 * part that sees more event dimensions than its own (e.g. an elementwise {@code exp} before a
 * vector-valued stick breaking) has its log-determinant summed over the extra rightmost
 * dimensions, so that every term has the composition's batch shape. The domain (codomain) is the
 * first (last) part's, wrapped in {@code Constraints.independent} when the composition's event
 * dimension is larger.
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

  /**
   * Composes {@code parts}, applying the first one first.
   *
   * @throws IllegalArgumentException if {@code parts} is empty
   */
  public ComposeTransform(List<Transform> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("ComposeTransform: needs at least one transform");
    }
    this.parts = List.copyOf(parts);
    int shift = 0; // event dims gained by the parts so far
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

  /** The parts' terms, each summed to the batch shape; the last part is given {@code y}. */
  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor total = null;
    Tensor in = x;
    int eventDim = domainEventDim; // event dims of `in`
    for (int k = 0; k < parts.size(); k++) {
      Transform t = parts.get(k);
      Tensor out = k == parts.size() - 1 ? y : t.forward(in);
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
    Constraint c = parts.get(0).domain();
    return Constraints.independent(c, domainEventDim - c.eventDim());
  }

  @Override
  public Constraint codomain() {
    Constraint c = parts.get(parts.size() - 1).codomain();
    return Constraints.independent(c, codomainEventDim - c.eventDim());
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

  @Override
  public String toString() {
    return "ComposeTransform" + parts;
  }
}
