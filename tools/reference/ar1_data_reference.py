#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Reference AR(1) data sets for dev.ember.data.Ar1Data, from an independent re-implementation.

Regenerate (from the repository root; plain python3, under a second):
    python3 tools/reference/ar1_data_reference.py > core/src/test/resources/reference/ar1-data-reference.txt

java.util.SplittableRandom is re-implemented here from its published definition (JDK 17,
java/util/SplittableRandom.java and jdk/internal/util/random/RandomSupport.java):
    seed' = seed + GOLDEN_GAMMA (mod 2^64), GOLDEN_GAMMA = 0x9e3779b97f4a7c15
    nextLong() = mix64(seed'), mix64 = Stafford's variant 13:
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9; z = (z ^ (z >>> 27)) * 0x94d049bb133111eb;
        return z ^ (z >>> 31)
    nextDouble() = (nextLong() >>> 11) * 2^-53
The first raw longs are written out as well, so the Java test pins this re-implementation to the
JDK bit for bit. Each normal is sqrt(-2 ln(1 - u1)) cos(2 pi u2) with u1 drawn before u2; the
first B*T normals (row-major [B, T]) are the process innovations e, the next B*T the observation
noise o; z[b, 0] = e[b, 0], z[b, t] = phi z[b, t-1] + sigma e[b, t], y = z + tau o.

The arithmetic is done in Python floats, i.e. the same IEEE-754 double operations in the same
order as the Java code; only log and cos come from a different libm (glibc here, fdlibm through
StrictMath in Java), which may differ by an ulp or so. Values are printed with repr, which
round-trips exactly.

Format (the same as inference-reference.txt, read by the test's ReferenceFile):
    <key> <value>              a scalar
    <key> <i> <value>          entry i of a vector
    <key> <i> <j> <value>      entry (i, j) of a matrix
"""
import math

GOLDEN_GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplittableRandom:
    def __init__(self, seed):
        self.seed = seed & MASK

    def next_long_unsigned(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK
        return mix64(self.seed)

    def next_long(self):
        v = self.next_long_unsigned()
        return v - (1 << 64) if v >= 1 << 63 else v

    def next_double(self):
        return (self.next_long_unsigned() >> 11) * 2.0 ** -53


def normal(rng):
    u1 = rng.next_double()
    u2 = rng.next_double()
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def generate(series, steps, phi, sigma, tau, seed):
    rng = SplittableRandom(seed)
    e = [[normal(rng) for _ in range(steps)] for _ in range(series)]
    o = [[normal(rng) for _ in range(steps)] for _ in range(series)]
    z = [[0.0] * steps for _ in range(series)]
    y = [[0.0] * steps for _ in range(series)]
    for b in range(series):
        z[b][0] = e[b][0]
        for t in range(1, steps):
            z[b][t] = phi * z[b][t - 1] + sigma * e[b][t]
        for t in range(steps):
            y[b][t] = z[b][t] + tau * o[b][t]
    return e, o, z, y


def exact_sum(values):
    return math.fsum(values)


def emit_params(name, series, steps, phi, sigma, tau, seed):
    print(f"{name}.series {series}")
    print(f"{name}.steps {steps}")
    print(f"{name}.phi {phi!r}")
    print(f"{name}.sigma {sigma!r}")
    print(f"{name}.tau {tau!r}")
    print(f"{name}.seed {seed}")


def emit_full(name, series, steps, phi, sigma, tau, seed):
    emit_params(name, series, steps, phi, sigma, tau, seed)
    e, o, z, y = generate(series, steps, phi, sigma, tau, seed)
    for key, m in (("e", e), ("o", o), ("z", z), ("y", y)):
        for b in range(series):
            for t in range(steps):
                print(f"{name}.{key} {b} {t} {m[b][t]!r}")


def emit_summary(name, series, steps, phi, sigma, tau, seed, entries):
    emit_params(name, series, steps, phi, sigma, tau, seed)
    _, _, z, y = generate(series, steps, phi, sigma, tau, seed)
    for key, m in (("z", z), ("y", y)):
        flat = [v for row in m for v in row]
        # sums of the printed doubles, exactly rounded (fsum); sumAbs scales the tolerance
        print(f"{name}.{key}.sum {exact_sum(flat)!r}")
        print(f"{name}.{key}.sumAbs {exact_sum(abs(v) for v in flat)!r}")
        print(f"{name}.{key}.sumSq {exact_sum(v * v for v in flat)!r}")
        for i, (b, t) in enumerate(entries):
            print(f"{name}.{key}.entry {i} 0 {b}")
            print(f"{name}.{key}.entry {i} 1 {t}")
            print(f"{name}.{key}.entry {i} 2 {m[b][t]!r}")


def main():
    print("# Reference AR(1) data for dev.ember.data.Ar1Data (independent SplittableRandom in Python).")
    print("# Regenerate: python3 tools/reference/ar1_data_reference.py"
          " > core/src/test/resources/reference/ar1-data-reference.txt")
    print("# Format: '<key> <value>' scalar | '<key> <i> <value>' vector entry"
          " | '<key> <i> <j> <value>' matrix entry; '#' starts a comment")
    print("# rng.nextLong i: the first nextLong() values of new SplittableRandom(12345), signed")
    print("# rng.nextDouble i: the first nextDouble() values of new SplittableRandom(12345)")
    print("# <case>.{series,steps,phi,sigma,tau,seed}: the arguments of Ar1Data.generate")
    print("# <case>.{e,o,z,y} b t: innovations, observation noise, latent and observed series [B, T]")
    print("# <case>.{z,y}.{sum,sumAbs,sumSq}: exactly rounded sums over all B*T entries")
    print("# <case>.{z,y}.entry i {0,1,2}: entry i as (b, t, value)")
    rng = SplittableRandom(12345)
    for i in range(8):
        print(f"rng.nextLong {i} {rng.next_long()}")
    rng = SplittableRandom(12345)
    for i in range(8):
        print(f"rng.nextDouble {i} {rng.next_double()!r}")
    emit_full("small", 3, 5, 0.8, 0.5, 0.3, 12345)
    emit_full("custom", 2, 4, -0.5, 1.2, 0.1, -7)
    emit_summary("large", 64, 100, 0.8, 0.5, 0.3, 12345,
                 [(0, 0), (0, 1), (0, 99), (1, 0), (17, 42), (31, 63), (63, 0), (63, 99)])


if __name__ == "__main__":
    main()
