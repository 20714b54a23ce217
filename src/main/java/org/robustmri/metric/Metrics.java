package org.robustmri.metric;

import java.util.List;

/** Scores volumes and aggregates them the two ways the field does (see {@link MetricSpec}). */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Scores a reconstruction volume against its target volume, both (slices, h, w) row-major float32.
     * SSIM per slice, PSNR and NMSE over the volume; data range = max of the target volume (fastMRI).
     */
    public static VolumeScore score(String name, float[] target, float[] recon, int slices, int h, int w) {
        return score(name, target, recon, slices, h, w, Double.NaN);
    }

    /** As {@link #score(String, float[], float[], int, int, int)} with a given data range (NaN: the target's max). */
    public static VolumeScore score(String name, float[] target, float[] recon, int slices, int h, int w, double dataRange) {
        long n = (long) slices * h * w;
        if (target.length != n || recon.length != n) {
            throw new IllegalArgumentException(name + ": target has " + target.length + " values, reconstruction "
                    + recon.length + ", expected " + n);
        }
        double max = Double.NEGATIVE_INFINITY;
        double sse = 0, energy = 0;
        for (int i = 0; i < n; i++) {
            double t = target[i], r = recon[i];
            if (t > max) max = t;
            double d = t - r;
            sse += d * d;
            energy += t * t;
        }
        if (!Double.isNaN(dataRange)) max = dataRange;
        double[] ssim = new double[slices];
        int plane = h * w;
        for (int s = 0; s < slices; s++) {
            float[] ts = java.util.Arrays.copyOfRange(target, s * plane, (s + 1) * plane);
            float[] rs = java.util.Arrays.copyOfRange(recon, s * plane, (s + 1) * plane);
            ssim[s] = Ssim.ssim(ts, rs, h, w, max);
        }
        return new VolumeScore(name, max, ssim, psnr(max, sse / n), sse / energy);
    }

    /** {@code 10 log10(range^2 / mse)}, skimage's form. */
    /**
     * fastMRI's {@code evaluate.py} crop: every slice (h x w) centre-cropped to (w x w), offsets {@code (h - w) // 2};
     * a volume narrower than tall only. Returns the cropped volume (slices, w, w).
     */
    public static float[] squareCrop(float[] volume, int slices, int h, int w) {
        if (h < w) throw new IllegalArgumentException("cannot crop " + h + "x" + w + " to " + w + "x" + w + " (taller than the image)");
        int top = (h - w) / 2;
        float[] out = new float[slices * w * w];
        for (int s = 0; s < slices; s++) System.arraycopy(volume, s * h * w + top * w, out, s * w * w, w * w);
        return out;
    }

    public static double psnr(double dataRange, double mse) {
        return 10.0 * Math.log10(dataRange * dataRange / mse);
    }

    /** The aggregate of a set of volumes under every {@link MetricSpec}. */
    public record Summary(int volumes, int slices, double ssimVolume, double ssimSlice, double psnr, double nmse) {
        public double value(MetricSpec spec) {
            return switch (spec) {
                case SSIM_VOLUME -> ssimVolume;
                case SSIM_SLICE -> ssimSlice;
                case PSNR -> psnr;
                case NMSE -> nmse;
            };
        }
    }

    public static Summary summarize(List<VolumeScore> scores) {
        if (scores.isEmpty()) throw new IllegalArgumentException("no volumes to summarise");
        double ssimVol = 0, ssimSlice = 0, psnr = 0, nmse = 0;
        int slices = 0;
        for (VolumeScore v : scores) {
            ssimVol += v.ssim();
            for (double s : v.ssimPerSlice()) ssimSlice += s;
            slices += v.slices();
            psnr += v.psnr();
            nmse += v.nmse();
        }
        int k = scores.size();
        return new Summary(k, slices, ssimVol / k, ssimSlice / slices, psnr / k, nmse / k);
    }
}
