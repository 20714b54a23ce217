package org.robustmri.data;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The eight augmentations against the paper's own {@code SliceDataset(augment_data=True)} on a real square slice and a
 * padded non-square file (tools/golden/gen_augment_vectors.py; the first two coils are stored).
 */
class AugmentationTest {
    private static final Map<String, Tensor> GOLDEN = Safetensors.read(Path.of("src/test/resources/golden/augment_paper.safetensors")).tensors();
    private static final int COILS = 2;

    static Augmentation.Slice slice(Path file) {
        try (FastMriFile f = FastMriFile.open(file)) {
            var geo = f.kspace();
            ByteBuffer raw = f.readKspaceSlice(0).order(ByteOrder.LITTLE_ENDIAN);
            float[] all = new float[geo.coils() * geo.height() * geo.width() * 2];
            raw.asFloatBuffer().get(all);
            float[] k = Arrays.copyOf(all, COILS * geo.height() * geo.width() * 2);
            int[] shape = f.shapeOf(f.requireTargetKey());
            float[] target = Arrays.copyOf(f.readFloatVolume(f.requireTargetKey()), shape[1] * shape[2]);
            return new Augmentation.Slice(k, COILS, geo.height(), geo.width(), target, shape[1], shape[2]);
        }
    }

    private static void matches(String name, Path file) {
        Augmentation.Slice source = slice(file);
        for (int bits = 0; bits < 8; bits++) {
            Augmentation a = new Augmentation((bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0);
            Augmentation.Slice out = a.apply(source);
            String key = name + "_" + ((bits >> 2) & 1) + ((bits >> 1) & 1) + (bits & 1);
            Tensor k = GOLDEN.get(key + "_kspace"), t = GOLDEN.get(key + "_target");
            assertThat(new long[]{out.coils(), out.height(), out.width(), 2}).as(key).containsExactly(k.sizes().vec().get());
            assertThat(new long[]{out.targetHeight(), out.targetWidth()}).as(key).containsExactly(t.sizes().vec().get());
            float[] gk = Tensors.toFloats(k), gt = Tensors.toFloats(t);
            assertThat(gt).as(key + " target").containsExactly(out.target());     // flips and rotations move values only
            double scale = 0, err = 0;
            for (int i = 0; i < gk.length; i++) {
                scale = Math.max(scale, Math.abs(gk[i]));
                err = Math.max(err, Math.abs(gk[i] - out.kspace()[i]));
            }
            assertThat(err / scale).as(key + " k-space").isLessThan(1e-6);
        }
    }

    @Test
    void aRealSquareSliceMatchesThePapersCodeForAllEightTransforms() {
        matches("brain", Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5"));
    }

    @Test
    void aPaddedNonSquareFileMatchesToo() {
        matches("padded", Path.of("src/test/resources/interop/varnet/padded_brain.h5"));
    }

    @Test
    void theWindowIsMirroredByAHorizontalFlipAndTheWholeWidthAfterARotation() {
        // the paper's code gives [4, 132] -> [-36, 92] on this file (it mirrors with the target's 96 columns); the
        // k-space has 140 columns, so the acquired band [4, 132) flips to [8, 136)
        assertThat(new Augmentation(false, true, false).window(4, 132, 150, 140)).containsExactly(8, 136);
        assertThat(new Augmentation(true, false, false).window(4, 132, 150, 140)).containsExactly(4, 132);
        assertThat(new Augmentation(false, true, true).window(4, 132, 150, 140)).containsExactly(0, 150);
        assertThat(Augmentation.of(0.7, 0.2, 0.5)).isEqualTo(new Augmentation(true, false, false));
    }

    /**
     * In training: one draw per batch, seeded; the fully sampled zero-filled input of an augmented slice is its
     * augmented target (k-space and target stay consistent through the flips, the rotation and the phase correction),
     * and every one of the eight transforms occurs.
     */
    @Test
    void augmentedTrainingSamplesKeepKspaceAndTargetConsistent() {
        for (String file : new String[]{"samples/real-kspace/pulseq_invivo_brain_16ch.h5", "src/test/resources/interop/varnet/padded_brain.h5"}) {
            SliceDataset<ImageSample> ds = SliceDataset.builder(new ZeroFilledImageTransform(true)).files(java.util.List.of(Path.of(file)))
                    .augment(true).seed(5).build();
            SliceDataset<ImageSample> again = SliceDataset.builder(new ZeroFilledImageTransform(true)).files(java.util.List.of(Path.of(file)))
                    .augment(true).seed(5).build();
            for (int index = 0; index < 12; index++) {
                Augmentation a = ds.augmentation(0, index);
                assertThat(again.augmentation(0, index)).isEqualTo(a);
                ImageSample s = ds.readBatch(0, index, java.util.List.of(new SliceDataset.SliceIndex(0, 0)), index).samples().get(0);
                double max = 0, err = 0;
                for (int i = 0; i < s.target().length; i++) {
                    max = Math.max(max, s.target()[i]);
                    err = Math.max(err, Math.abs(s.target()[i] - s.input()[i]));
                }
                assertThat(err / max).as(file + " " + a).isLessThan(1e-4);
                boolean swapped = a.rotate();
                Augmentation.Slice raw = slice(Path.of(file));
                assertThat(s.height()).isEqualTo(swapped ? raw.targetWidth() : raw.targetHeight());
            }
        }
        SliceDataset<ImageSample> ds = SliceDataset.builder(new ZeroFilledImageTransform(true))
                .files(java.util.List.of(Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5"))).augment(true).seed(5).build();
        int[] counts = new int[8];
        for (int index = 0; index < 800; index++) {
            Augmentation a = ds.augmentation(1, index);
            counts[(a.verticalFlip() ? 4 : 0) + (a.horizontalFlip() ? 2 : 0) + (a.rotate() ? 1 : 0)]++;
        }
        for (int c : counts) assertThat(c).isBetween(60, 140);   // 100 expected each; 4 standard deviations
        assertThat(SliceDataset.builder(new ZeroFilledImageTransform(true)).files(java.util.List.of(Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5")))
                .seed(5).build().augmentation(0, 0)).isEqualTo(Augmentation.NONE);
    }
}
