package org.robustmri.convert;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fully sampled multi-coil k-space (slices, coils, H readout, W phase encode) as (re, im) pairs, ready to be written as
 * a fastMRI file: the reconstruction size its target is cropped to, the phase-encode columns that were acquired
 * (fastMRI's {@code kspace_encoding_step_1} center and maximum), and what it says about itself.
 */
public record KspaceVolume(int slices, int coils, int height, int width, float[] pairs, int reconHeight, int reconWidth,
                           int peCenter, int peMaximum, VolumeFields fields) {
    public KspaceVolume {
        if (pairs.length != 2L * slices * coils * height * width) throw new IllegalArgumentException("k-space values do not match its shape");
        if (reconHeight < 1 || reconWidth < 1 || reconHeight > height || reconWidth > width) {
            throw new IllegalArgumentException("reconstruction size " + reconHeight + "x" + reconWidth + " does not fit k-space " + height + "x" + width);
        }
    }

    /** A volume whose every column was acquired, reconstructed at its full size unless {@code recon} (h, w) is given. */
    public static KspaceVolume of(AxisLayout.Gathered g, int[] recon, VolumeFields fields) {
        int rh = recon == null ? g.height() : recon[0], rw = recon == null ? g.width() : recon[1];
        return new KspaceVolume(g.slices(), g.coils(), g.height(), g.width(), g.pairs(), rh, rw, g.width() / 2, g.width() - 1, fields);
    }

    public KspaceVolume withFields(VolumeFields f) {
        return new KspaceVolume(slices, coils, height, width, pairs, reconHeight, reconWidth, peCenter, peMaximum, f);
    }

    public KspaceVolume withRecon(int[] recon) {
        return recon == null ? this : new KspaceVolume(slices, coils, height, width, pairs, recon[0], recon[1], peCenter, peMaximum, fields);
    }

    /**
     * The readout cut to the reconstruction height in the image domain, as Siemens' and twixtools' {@code remove_os} do:
     * inverse FFT along the readout, keep the centre {@code reconHeight} samples (fastMRI's crop offset), FFT back, with
     * numpy's default normalisation (1/N on the inverse only), so a k-space sample keeps its amplitude.
     */
    public KspaceVolume withoutReadoutOversampling() {
        if (reconHeight >= height) {
            throw new IllegalArgumentException("the readout has no oversampling to remove: " + height + " samples for a reconstruction height of " + reconHeight);
        }
        float[] cut;
        try (PointerScope scope = new PointerScope()) {
            Tensor k = Tensors.complexFromInterleaved(pairs, slices, coils, height, width);
            Tensor image = Fft.ifft1c(k, 2).narrow(2, (height - reconHeight) / 2, reconHeight);
            // orthonormal both ways scales by sqrt(H / h) relative to numpy's default normalisation
            cut = Tensors.toFloats(Fft.fft1c(image, 2).mul(org.robustmri.tensor.Torch.scalar(Math.sqrt((double) reconHeight / height))));
        }
        return new KspaceVolume(slices, coils, reconHeight, width, cut, reconHeight, reconWidth, peCenter, peMaximum, fields);
    }

    /** fastMRI's target: the root-sum-of-squares over coils of each coil's {@code ifft2c}, centre-cropped; (slices, h, w). */
    public float[] rssTarget() {
        try (PointerScope scope = new PointerScope()) {
            Tensor k = Tensors.complexFromInterleaved(pairs, slices, coils, height, width);
            return Tensors.toFloats(Transforms.zeroFilledRss(k, reconHeight, reconWidth));
        }
    }

    /** The volume's ISMRMRD header: encoded space (H, W), recon space, acquired columns and the stated fields. */
    public IsmrmrdHeader header() {
        double[] fov = fields.fov();
        return new IsmrmrdHeader(fields.get("vendor"), fields.get("model"), fields.fieldStrength(), coils, fields.get("institution"),
                fields.get("protocol"), height, width, 1, reconHeight, reconWidth, 1, peCenter, peMaximum,
                fov == null ? Double.NaN : fov[0], fov == null ? Double.NaN : fov[1], fov == null ? Double.NaN : fov[2]);
    }

    /** Writes the fastMRI file (atomically): k-space, target, header, root attributes plus {@code extra}. */
    public void write(Path out, Map<String, Object> extra) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String k : new String[]{"anatomy", "contrast", "dataset_name"}) {
            if (fields.values().containsKey(k)) attrs.put(k, fields.get(k));
        }
        attrs.putAll(extra);
        String patient = fields.values().getOrDefault("patient_id", IsmrmrdHeader.UNKNOWN);
        FastMriWriter.writeVolume(out, new FastMriWriter.Contents(slices, coils, height, width, pairs, reconHeight, reconWidth, rssTarget(),
                header(), fields.get("protocol"), patient, attrs));
    }

    /** A 3-D partition encode (the slice axis of (partitions, coils, H, W)) inverse-FFT'd into slices. */
    public static float[] partitionsToSlices(float[] pairs, int partitions, int coils, int height, int width) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.toFloats(Fft.ifft1c(Tensors.complexFromInterleaved(pairs, partitions, coils, height, width), 0));
        }
    }

    /** {@code fft2c} of every (slice, coil) image: coil images to k-space. */
    public static float[] fft2c(float[] pairs, int slices, int coils, int height, int width) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.toFloats(Fft.fft2c(Tensors.complexFromInterleaved(pairs, slices, coils, height, width)));
        }
    }
}
