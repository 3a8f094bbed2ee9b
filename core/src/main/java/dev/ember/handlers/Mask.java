// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * Zeroes the log-density of the sample sites inside it where a boolean mask is false; values are
 * still sampled. Masks broadcast against each site's batch shape from the right; a time mask
 * ({@link Handlers#timeMask}) instead addresses the leading time axis of sites stacked by scan. On
 * such a site, a mask that does not broadcast into its batch shape {@code [T, ...]} fails naming
 * the site and pointing to {@code timeMask}.
 *
 * <pre>{@code
 * try (Mask m = Handlers.mask(false)) {
 *   Tensor x = sample("x", Normal.standard()); // drawn, contributes 0
 * }
 * }</pre>
 */
public final class Mask extends Messenger {
  private final Tensor mask;
  private final boolean timeAxis;

  Mask(Tensor mask, boolean timeAxis) {
    this.mask = mask;
    this.timeAxis = timeAxis;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() != SiteType.SAMPLE) {
      return;
    }
    if (!mask.isBool()) {
      throw new IllegalArgumentException(
          "mask at site '" + msg.name() + "': the mask must be a boolean tensor (a comparison "
              + "or Tensor.ofBooleans), but got dtype " + mask.dtype() + " of shape "
              + mask.shape());
    }
    Tensor m = mask;
    if (timeAxis) {
      if (msg.timeSteps() == 0) {
        throw new IllegalArgumentException(
            "timeMask at site '" + msg.name() + "': the site is not stacked by a scan; use mask");
      }
      if (mask.rank() != 1 || mask.dim(0) != msg.timeSteps()) {
        throw new IllegalArgumentException(
            "timeMask at site '" + msg.name() + "': expected a mask of shape ["
                + msg.timeSteps() + "], got " + mask.shape());
      }
      int[] dims = new int[msg.fn().batchShape().rank()];
      java.util.Arrays.fill(dims, 1);
      dims[0] = msg.timeSteps();
      m = mask.reshape(Shape.of(dims));
    } else if (msg.timeSteps() > 0) {
      requireBroadcastsOverScannedSite(msg);
    }
    msg.setFn(msg.fn().mask(m));
  }

  /**
   * A mask on a site stacked by scan must broadcast into its batch shape {@code [T, ...]} without
   * growing it: a larger shape would move the time axis off axis 0.
   */
  private void requireBroadcastsOverScannedSite(Message msg) {
    Shape batch = msg.fn().batchShape();
    Shape given = mask.shape();
    boolean fits = given.rank() <= batch.rank();
    for (int i = 1; fits && i <= given.rank(); i++) {
      int d = given.dim(given.rank() - i);
      fits = d == 1 || d == batch.dim(batch.rank() - i);
    }
    if (!fits) {
      throw new IllegalArgumentException(
          "mask at site '" + msg.name() + "': a mask of shape " + given + " does not broadcast "
              + "against the site's batch shape " + batch + ", whose axis 0 is the time axis of "
              + "a scan of " + msg.timeSteps() + " steps (a mask lines up with the rightmost "
              + "axes); to mask time steps use Handlers.timeMask with a mask of shape ["
              + msg.timeSteps() + "], or apply the mask inside the scan body");
    }
  }
}
