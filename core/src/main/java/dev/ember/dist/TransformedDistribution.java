// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.transforms.ComposeTransform;
import dev.ember.dist.transforms.Transform;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The distribution of {@code y = f(x)} for {@code x} from a base distribution and a bijection
 * {@code f} (a list of transforms applied in order): {@code log p(y) = log p_base(f^-1(y)) - log
 * |det J_f(f^-1(y))|}.
 *
 * <pre>{@code
 * Distribution logNormal =
 *     new TransformedDistribution(Normal.standard(), List.of(new ExpTransform()));
 * }</pre>
 *
 * <p>Note: the transforms must keep the base's event shape (elementwise transforms on any base,
 * or event transforms whose event dimensions equal the base's).
 */
public final class TransformedDistribution extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Distribution base;
  private final List<Transform> transforms;
  private final Transform composed;

  /** {@code transforms} applied in order to draws of {@code base}. */
  public TransformedDistribution(Distribution base, List<Transform> transforms) {
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("TransformedDistribution: needs at least one transform");
    }
    this.base = base;
    this.transforms = List.copyOf(transforms);
    this.composed = transforms.size() == 1 ? transforms.get(0) : new ComposeTransform(transforms);
    if (composed.domainEventDim() > base.eventShape().rank()) {
      throw new IllegalArgumentException(
          "TransformedDistribution: the transforms need events of " + composed.domainEventDim()
              + " dimensions but " + base.name() + " has event shape " + base.eventShape()
              + "; use base.toEvent(n) first");
    }
  }

  @Override
  public String name() {
    return "TransformedDistribution(" + base.name() + ")";
  }

  @Override
  public Shape batchShape() {
    return base.batchShape();
  }

  @Override
  public Shape eventShape() {
    return composed.forwardShape(base.eventShape());
  }

  @Override
  public Constraint support() {
    return composed.codomain();
  }

  @Override
  public Map<String, Tensor> params() {
    return base.params();
  }

  @Override
  public Distribution withParams(Map<String, Tensor> params) {
    return new TransformedDistribution(base.withParams(params), transforms);
  }

  @Override
  public Distribution expand(Shape batchShape) {
    return new TransformedDistribution(base.expand(batchShape), transforms);
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return composed.forward(base.sample(key, sampleShape)).detach();
  }

  @Override
  public boolean hasRsample() {
    return base.hasRsample();
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return composed.forward(base.rsample(key, sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor x = composed.inverse(value);
    Tensor ladj = composed.logAbsDetJacobian(x, value);
    // the base's event dimensions not covered by the transform are summed out of the Jacobian
    for (int extra = base.eventShape().rank() - composed.domainEventDim(); extra > 0; extra--) {
      ladj = ladj.sum(-1);
    }
    return base.logProb(x).sub(ladj);
  }
}
