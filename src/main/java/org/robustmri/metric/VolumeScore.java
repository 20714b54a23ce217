package org.robustmri.metric;

import java.util.Arrays;

/**
 * Metrics of one reconstructed volume against its target, all with data range = target volume max.
 *
 * @param ssimPerSlice SSIM of every slice
 * @param psnr PSNR over the whole volume
 * @param nmse NMSE over the whole volume
 */
public record VolumeScore(String name, double dataRange, double[] ssimPerSlice, double psnr, double nmse) {
    public double ssim() {
        return Arrays.stream(ssimPerSlice).average().orElse(Double.NaN);
    }

    public int slices() {
        return ssimPerSlice.length;
    }
}
