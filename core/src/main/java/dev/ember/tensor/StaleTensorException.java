// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * Thrown when a tensor is read after the {@link OwnedBuffer} it views was written: the tensor's
 * values are gone, and reading the new ones in their place would show a tensor changing. Take a
 * new view of the buffer after the write, or copy the tensor ({@link Tensor#copy()}) before it.
 *
 * <pre>{@code
 * OwnedBuffer params = OwnedBuffer.copyOf(Tensor.of(1.0, 2.0));
 * Tensor before = params.view();
 * params.write(x -> x[0] = 5.0);
 * before.item();              // throws StaleTensorException
 * params.view().get(0);       // 5.0
 * }</pre>
 */
public final class StaleTensorException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  StaleTensorException(String message) {
    super(message);
  }
}
