// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

/**
 * What {@code scan} returns: the last carry and the outputs stacked over time.
 *
 * @param carry the carry after the last step
 * @param ys the outputs, each leaf {@code [T, ...]} in time order
 * @param <C> the carry type
 * @param <Y> the output type
 */
public record ScanResult<C, Y>(C carry, Y ys) {}
