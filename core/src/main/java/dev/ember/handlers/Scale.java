// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * Multiplies the log-density weight of every sample site inside it (weights compose by
 * multiplication, with each other and with subsampled plates' N / B). Applied to a {@code scan},
 * it weighs the stacked sites.
 *
 * <pre>{@code
 * try (Scale s = Handlers.scale(0.5)) {
 *   sample("z", Normal.standard()); // contributes 0.5 * log p(z)
 * }
 * }</pre>
 */
public final class Scale extends Messenger {
  private final double factor;

  Scale(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException(
          "scale: the factor must be positive and finite, got " + factor
              + "; to drop a site's contribution use mask(false)");
    }
    this.factor = factor;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() == SiteType.SAMPLE) {
      msg.setScale(msg.scale() * factor);
    }
  }
}
