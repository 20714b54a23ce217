package org.robustmri.metric;

/**
 * SSIM inside a pathology box as the paper scores it: target and reconstruction flipped up/down (the annotation
 * convention), cropped to {@code [y, y + height) x [x, x + width)} (clipped at the image border, as array
 * slicing does), both crops upscaled by {@code 7 / m} with nearest-neighbour sampling when the shorter side
 * {@code m} is below the 7x7 window (PyTorch's {@code interpolate(scale_factor=7/m)}, index for index), then SSIM
 * with the volume's data range. Boxes up to 1 % of the image area are small, the rest large.
 */
public final class BoxSsim {
    public static final double SMALL_MAX_RELATIVE_AREA = 0.01;

    /** The exact name recorded next to every box SSIM value. */
    public static final String SPEC = "ssim_box(win=7,k1=0.01,k2=0.03,flip=ud,crop=box,upscale=nearest 7/m if m<7,range=volume max,small<=1%)";

    public enum SizeClass {
        SMALL, LARGE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private BoxSsim() {
    }

    public static SizeClass sizeClass(double relativeArea) {
        return relativeArea <= SMALL_MAX_RELATIVE_AREA ? SizeClass.SMALL : SizeClass.LARGE;
    }

    /** A crop of an image, row-major. */
    public record Crop(float[] values, int height, int width) {
    }

    /**
     * SSIM of one box. {@code target}, {@code recon}: row-major {@code h x w} slices as stored (not flipped).
     */
    public static double ssim(float[] target, float[] recon, int h, int w, int x, int y, int boxWidth, int boxHeight, double dataRange) {
        Crop t = upscaleToWindow(flippedCrop(target, h, w, x, y, boxWidth, boxHeight));
        Crop r = upscaleToWindow(flippedCrop(recon, h, w, x, y, boxWidth, boxHeight));
        return Ssim.ssim(t.values(), r.values(), t.height(), t.width(), dataRange);
    }

    /** The box of the up/down-flipped image, clipped at the border. */
    public static Crop flippedCrop(float[] img, int h, int w, int x, int y, int boxWidth, int boxHeight) {
        if (img.length != (long) h * w) throw new IllegalArgumentException("image has " + img.length + " values, not " + h + "x" + w);
        int y1 = Math.min(h, y + boxHeight), x1 = Math.min(w, x + boxWidth);
        int ch = y1 - y, cw = x1 - x;
        if (y < 0 || x < 0 || ch < 1 || cw < 1) {
            throw new IllegalArgumentException("box x=" + x + " y=" + y + " " + boxWidth + "x" + boxHeight + " lies outside the " + h + "x" + w + " image");
        }
        float[] out = new float[ch * cw];
        for (int i = 0; i < ch; i++) {
            int src = h - 1 - (y + i); // row y + i of the flipped image
            System.arraycopy(img, src * w + x, out, i * cw, cw);
        }
        return new Crop(out, ch, cw);
    }

    /** Nearest-neighbour upscaling by 7/m when the shorter side m is below 7; otherwise the crop itself. */
    public static Crop upscaleToWindow(Crop c) {
        int m = Math.min(c.height(), c.width());
        if (m >= Ssim.WINDOW) return c;
        double s = (double) Ssim.WINDOW / m;
        int oh = (int) Math.floor(c.height() * s), ow = (int) Math.floor(c.width() * s);
        int[] rows = sourceIndices(c.height(), oh, s), cols = sourceIndices(c.width(), ow, s);
        float[] out = new float[oh * ow];
        for (int i = 0; i < oh; i++) {
            int base = rows[i] * c.width();
            for (int j = 0; j < ow; j++) out[i * ow + j] = c.values()[base + cols[j]];
        }
        return new Crop(out, oh, ow);
    }

    /** PyTorch's nearest source index for a given scale factor: floor(dst * (float) (1 / s)) in float arithmetic. */
    static int[] sourceIndices(int in, int out, double scaleFactor) {
        int[] idx = new int[out];
        float inv = (float) (1.0 / scaleFactor);
        for (int d = 0; d < out; d++) {
            if (out == in) idx[d] = d;
            else if (out == 2 * in) idx[d] = d >> 1;
            else idx[d] = Math.min((int) Math.floor((float) d * inv), in - 1);
        }
        return idx;
    }
}
