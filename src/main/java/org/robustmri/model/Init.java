package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.tensor.Tensors;

import java.util.SplittableRandom;

/** PyTorch's default initialisation for convolutions, drawn from a Java generator so it is reproducible anywhere. */
final class Init {
    private Init() {
    }

    /**
     * {@code kaiming_uniform_(a=sqrt(5))}: uniform in (-1/sqrt(fanIn), 1/sqrt(fanIn)); PyTorch's fan-in is
     * {@code size(1) * kernel area}, which for a transposed convolution is its output channels.
     */
    static Tensor convWeight(SplittableRandom rng, long... shape) {
        long fanIn = shape[1];
        for (int i = 2; i < shape.length; i++) fanIn *= shape[i];
        return uniform(rng, 1.0 / Math.sqrt(fanIn), shape);
    }

    static Tensor bias(SplittableRandom rng, long fanIn, long n) {
        return uniform(rng, 1.0 / Math.sqrt(fanIn), n);
    }

    static Tensor uniform(SplittableRandom rng, double bound, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        return Tensors.fromFloats(v, shape);
    }
}
