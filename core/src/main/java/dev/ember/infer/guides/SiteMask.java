// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.tensor.Tensor;
import java.io.Serializable;

/**
 * Where a guide scores a latent site, as a function of the data: a boolean tensor, true where the
 * site's elements count, that broadcasts to the site's batch shape ({@code [T, B]} for a site in
 * a scan over a series plate). Serializable, so that a guide using it can be shipped to Spark
 * executors.
 *
 * <pre>{@code
 * // the padded steps of variable-length series are not scored by the guide either
 * AutoNormal<SequenceBatch> guide = AutoNormal.of(model).mask(SequenceBatch::observed, "z");
 * }</pre>
 *
 * @param <D> the data type of the model and guide
 */
@FunctionalInterface
public interface SiteMask<D> extends Serializable {
  /** The mask for {@code data}. */
  Tensor of(D data);
}
