package org.robustmri.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Copies between Java memory and CPU tensors, each in one pass. */
public final class Tensors {
    private Tensors() {
    }

    /** A new uninitialised CPU tensor. */
    public static Tensor empty(torch.ScalarType type, long... shape) {
        Torch.init();
        return torch.empty(shape, Torch.options(type), Torch.noMemoryFormat());
    }

    public static Tensor fromFloats(float[] data, long... shape) {
        Tensor t = empty(torch.ScalarType.Float, shape);
        checkCount(t, data.length);
        t.data_ptr_float().put(data);
        return t;
    }

    public static Tensor fromLongs(long[] data, long... shape) {
        Tensor t = empty(torch.ScalarType.Long, shape);
        checkCount(t, data.length);
        t.data_ptr_long().put(data);
        return t;
    }

    public static Tensor fromDoubles(double[] data, long... shape) {
        Tensor t = empty(torch.ScalarType.Double, shape);
        checkCount(t, data.length);
        t.data_ptr_double().put(data);
        return t;
    }

    /** A complex64 tensor of {@code shape} from interleaved (re, im) float32 pairs. */
    public static Tensor complexFromInterleaved(float[] pairs, long... shape) {
        long[] withPair = appendTwo(shape);
        return torch.view_as_complex(fromFloats(pairs, withPair));
    }

    /**
     * A complex64 tensor of {@code shape} whose memory the caller fills through {@code filler}, which receives a
     * little-endian view of the tensor's bytes (interleaved re, im float32). This lets file readers write
     * straight into native memory with no intermediate copy.
     */
    public static Tensor complexFilledBy(java.util.function.Consumer<ByteBuffer> filler, long... shape) {
        Tensor real = empty(torch.ScalarType.Float, appendTwo(shape));
        filler.accept(bytesOf(real));
        return torch.view_as_complex(real);
    }

    /** The bytes of a contiguous CPU tensor as a little-endian buffer over the same memory. */
    public static ByteBuffer bytesOf(Tensor t) {
        long n = t.numel() * t.element_size();
        return new BytePointer(t.data_ptr()).capacity(n).limit(n).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static float[] toFloats(Tensor t) {
        Tensor c = t.is_complex() ? torch.view_as_real(t) : t;
        c = c.to(torch.ScalarType.Float).contiguous();
        if (!c.device().is_cpu()) c = c.cpu();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out);
        return out;
    }

    public static double[] toDoubles(Tensor t) {
        Tensor c = t.is_complex() ? torch.view_as_real(t) : t;
        c = c.to(torch.ScalarType.Double).contiguous();
        if (!c.device().is_cpu()) c = c.cpu();
        double[] out = new double[Math.toIntExact(c.numel())];
        c.data_ptr_double().get(out);
        return out;
    }

    public static long[] toLongs(Tensor t) {
        Tensor c = t.to(torch.ScalarType.Long).contiguous();
        if (!c.device().is_cpu()) c = c.cpu();
        long[] out = new long[Math.toIntExact(c.numel())];
        c.data_ptr_long().get(out);
        return out;
    }

    private static long[] appendTwo(long[] shape) {
        long[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = 2;
        return s;
    }

    private static void checkCount(Tensor t, long n) {
        if (t.numel() != n) {
            throw new IllegalArgumentException("have " + n + " values for a tensor of " + t.numel());
        }
    }
}
