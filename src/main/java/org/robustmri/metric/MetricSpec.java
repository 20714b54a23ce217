package org.robustmri.metric;

/**
 * The exact definition of a reported number, written next to every value so results from different
 * conventions are never mixed.
 */
public enum MetricSpec {
    /** fastMRI's evaluation: SSIM per slice, mean over the slices of a volume, then mean over volumes. */
    SSIM_VOLUME("ssim", "ssim[win=7,uniform,k1=0.01,k2=0.03,cov=sample,region=valid,range=volume-max,agg=volume]"),
    /** The paper's aggregation: mean SSIM over all slices of a test set. */
    SSIM_SLICE("ssim", "ssim[win=7,uniform,k1=0.01,k2=0.03,cov=sample,region=valid,range=volume-max,agg=slice]"),
    /** PSNR over a volume, 10 log10(range^2 / MSE), range = target volume max; mean over volumes. */
    PSNR("psnr", "psnr[range=volume-max,mse=volume,agg=volume]"),
    /** ||target - recon||^2 / ||target||^2 over a volume; mean over volumes. */
    NMSE("nmse", "nmse[norm=volume,agg=volume]");

    private final String metric;
    private final String spec;

    MetricSpec(String metric, String spec) {
        this.metric = metric;
        this.spec = spec;
    }

    public String metric() {
        return metric;
    }

    public String spec() {
        return spec;
    }

    /** The spec with fastMRI's {@code evaluate.py} crop named: target and reconstruction cut to (W, W) first. */
    public String spec(boolean squareCrop) {
        return squareCrop ? spec.replace("]", ",crop=center-WxW-target-width]") : spec;
    }

    @Override
    public String toString() {
        return spec;
    }
}
