// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * The payload of a {@link SiteType#PLATE} message.
 *
 * @param size the full size N
 * @param subsampleSize the requested subsample size B (N when not subsampled)
 */
public record PlateSpec(int size, int subsampleSize) {}
