package org.robustmri.data;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.DataException;
import org.robustmri.eval.Reconstructor;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.Inference;
import org.robustmri.model.ZeroFilled;
import org.robustmri.tensor.Torch;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SliceDatasetTest {
    @TempDir
    static Path dir;
    static Catalog catalog;
    static final int TOTAL_SLICES = 5 + 3 + 4 + 2;
    static final MaskFunction RANDOM = MaskFunction.fromName("random", List.of(4.0), List.of(0.08));
    static final MaskFunction EQUISPACED = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));

    @BeforeAll
    static void writeVolumes() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Volumes.write(site.resolve("vol_a.h5"), Volumes.Spec.of(5, "CORPD_FBK", "pa"));
        Volumes.write(site.resolve("vol_b.h5"), Volumes.Spec.of(3, "CORPD_FBK", "pb"));
        Volumes.write(site.resolve("vol_c.h5"), Volumes.Spec.of(4, "AXT2", "pc").shape(24, 20, 12, 12));
        Volumes.writeWithoutMax(site.resolve("vol_d.h5"), Volumes.Spec.of(2, "CORPD_FBK", "pd"));
        CatalogScanner.Result r = CatalogScanner.scan(List.of(dir), CatalogScanner.Options.defaults());
        assertThat(r.failures()).isEmpty();
        catalog = r.catalog();
        Torch.init();
    }

    static SliceDataset.Builder<ImageSample> images() {
        return SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(catalog.entries());
    }

    static List<SliceDataset.LoadedBatch<ImageSample>> epoch(SliceDataset<ImageSample> ds, int epoch) {
        List<SliceDataset.LoadedBatch<ImageSample>> out = new ArrayList<>();
        try (BatchLoader<ImageSample> loader = ds.load(epoch)) {
            loader.forEachRemaining(out::add);
        }
        return out;
    }

    static List<String> keys(List<SliceDataset.LoadedBatch<ImageSample>> batches) {
        List<String> k = new ArrayList<>();
        for (var b : batches) for (ImageSample s : b.samples()) k.add(s.fileName() + "#" + s.slice());
        return k;
    }

    static List<String> allKeys() {
        List<String> k = new ArrayList<>();
        for (CatalogEntry e : catalog.entries()) for (int s = 0; s < e.slices(); s++) k.add(e.filename() + "#" + s);
        return k;
    }

    @Test
    void everySliceComesOncePerEpoch() {
        SliceDataset<ImageSample> ds = images().shuffle(true).seed(1).prefetch(2, 3).build();
        assertThat(ds.sliceCount()).isEqualTo(TOTAL_SLICES);
        List<String> e0 = keys(epoch(ds, 0)), e1 = keys(epoch(ds, 1));
        assertThat(e0).hasSize(TOTAL_SLICES).containsExactlyInAnyOrderElementsOf(allKeys());
        assertThat(e1).containsExactlyInAnyOrderElementsOf(allKeys());
        assertThat(e1).isNotEqualTo(e0); // reshuffled
        SliceDataset<ImageSample> paired = images().batching(Batching.sameVolume(2, false)).shuffle(true).build();
        assertThat(keys(epoch(paired, 3))).containsExactlyInAnyOrderElementsOf(allKeys());
        SliceDataset<ImageSample> plain = images().prefetch(0, 1).build();
        assertThat(keys(epoch(plain, 0))).containsExactlyElementsOf(allKeys()); // unshuffled: catalog order
    }

    @Test
    void sameVolumeBatchesHoldSlicesOfOneVolume() {
        SliceDataset<ImageSample> ds = images().batching(Batching.sameVolume(2, true)).shuffle(true).seed(5).build();
        List<SliceDataset.LoadedBatch<ImageSample>> batches = epoch(ds, 0);
        assertThat(batches).hasSize(3 + 2 + 2 + 1); // ceil(5/2) + ceil(3/2) + ceil(4/2) + ceil(2/2)
        for (var b : batches) {
            assertThat(b.samples()).extracting(ImageSample::fileName).containsOnly(b.samples().get(0).fileName());
            assertThat(b.size()).isBetween(1, 2);
            if (b.size() == 2) assertThat(b.refs().get(1).slice()).isEqualTo(b.refs().get(0).slice() + 1);
            try (PointerScope scope = new PointerScope()) {
                Tensor x = new ZeroFilled().collate(b.samples()).image();
                ImageSample s = b.samples().get(0);
                assertThat(Torch.shape(x)).containsExactly(b.size(), 1, s.height(), s.width());
                assertThat(Torch.shape(Inference.targets(b.samples(), Torch.cpu()))).containsExactly(b.size(), 1, s.height(), s.width());
            }
        }
        // random slices of one volume: still one volume per batch, grouping changes with the epoch
        SliceDataset<ImageSample> random = images().batching(Batching.sameVolume(3, false)).shuffle(true).seed(5).build();
        List<List<SliceDataset.SliceIndex>> p0 = random.plan(0), p1 = random.plan(1);
        for (var b : p0) assertThat(b).extracting(SliceDataset.SliceIndex::volume).containsOnly(b.get(0).volume());
        assertThat(new HashSet<>(p1)).isNotEqualTo(new HashSet<>(p0));
        // even without shuffling the epoch order, the random slices of a volume are redrawn every epoch
        SliceDataset<ImageSample> fixedOrder = images().batching(Batching.sameVolume(2, false)).seed(5).build();
        assertThat(fixedOrder.plan(1)).isNotEqualTo(fixedOrder.plan(0));
        assertThat(fixedOrder.plan(1)).isEqualTo(images().batching(Batching.sameVolume(2, false)).seed(5).build().plan(1));
    }

    @Test
    void shapeBucketedBatchesHoldOneShape() {
        SliceDataset<ImageSample> ds = images().batching(Batching.shapeBucketed(3)).shuffle(true).seed(2).build();
        List<SliceDataset.LoadedBatch<ImageSample>> batches = epoch(ds, 0);
        assertThat(batches).hasSize(4 + 2); // 10 slices of 16x16 in fours of three, 4 of 12x12
        Set<String> mixedVolumes = new HashSet<>();
        for (var b : batches) {
            assertThat(b.samples()).extracting(s -> s.height() + "x" + s.width()).containsOnly(b.samples().get(0).height() + "x" + b.samples().get(0).width());
            if (b.samples().stream().map(ImageSample::fileName).distinct().count() > 1) mixedVolumes.add("yes");
        }
        assertThat(mixedVolumes).isNotEmpty(); // buckets cross volumes
        assertThat(keys(batches)).containsExactlyInAnyOrderElementsOf(allKeys());
        assertThatThrownBy(() -> new ZeroFilled().collate(List.of(batches.get(0).samples().get(0), sampleOfShape(12))))
                .hasMessageContaining("mixes shapes");
    }

    private static ImageSample sampleOfShape(int n) {
        return new ImageSample(new float[n * n], new float[n * n], n, n, 1, "x.h5", 0, null);
    }

    @Test
    void prefetchDeliversTheSameSamplesAsASequentialRead() {
        SliceDataset.Builder<ImageSample> b = images().masks(MaskPolicy.training(RANDOM, 11))
                .batching(Batching.sameVolume(2, false)).shuffle(true).seed(11);
        SliceDataset<ImageSample> parallel = b.prefetch(3, 2).build();
        SliceDataset<ImageSample> sequential = b.prefetch(0, 1).build();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<SliceDataset.LoadedBatch<ImageSample>> p = epoch(parallel, epoch), s = epoch(sequential, epoch);
            assertThat(p).hasSameSizeAs(s);
            long index = 0;
            for (int i = 0; i < p.size(); i++) {
                assertThat(p.get(i).refs()).isEqualTo(s.get(i).refs());
                for (int j = 0; j < p.get(i).size(); j++, index++) {
                    ImageSample x = p.get(i).samples().get(j), y = s.get(i).samples().get(j);
                    assertThat(x.input()).containsExactly(y.input());
                    assertThat(x.target()).containsExactly(y.target());
                    assertThat(x.sampling().mask()).containsExactly(y.sampling().mask());
                    assertThat(x.maxValue()).isEqualTo(y.maxValue());
                    ImageSample single = sequential.read(p.get(i).refs().get(j), epoch, index);
                    assertThat(single.input()).containsExactly(x.input());
                }
            }
        }
    }

    @Test
    void trainingMasksAreFreshPerSampleAndEpochAndReproducibleFromTheSeed() {
        MaskPolicy policy = MaskPolicy.training(RANDOM, 42);
        // no shuffling: each slice keeps its sample index, so only the epoch makes its mask new
        SliceDataset<ImageSample> ds = images().masks(policy).build();
        Map<String, String> first = new HashMap<>(), second = new HashMap<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            long index = 0;
            for (var batch : epoch(ds, epoch)) {
                for (ImageSample s : batch.samples()) {
                    float[] expected = RANDOM.maskForTraining(s.sampling().mask().length, policy.sampleSeed(epoch, index++)).toFloats();
                    assertThat(s.sampling().mask()).containsExactly(expected);
                    (epoch == 0 ? first : second).put(s.fileName() + "#" + s.slice(), bits(s.sampling().mask()));
                }
            }
        }
        assertThat(new HashSet<>(first.values()).size()).isGreaterThan(TOTAL_SLICES - 3); // fresh per sample
        long changed = first.keySet().stream().filter(k -> !first.get(k).equals(second.get(k))).count();
        assertThat(changed).isGreaterThanOrEqualTo(TOTAL_SLICES - 2); // fresh per epoch
        // the same run seed gives the same masks again
        SliceDataset<ImageSample> again = images().masks(MaskPolicy.training(RANDOM, 42)).prefetch(3, 2).build();
        Map<String, String> replay = new HashMap<>();
        for (var batch : epoch(again, 0)) for (ImageSample s : batch.samples()) replay.put(s.fileName() + "#" + s.slice(), bits(s.sampling().mask()));
        assertThat(replay).isEqualTo(first);
        assertThat(policy.sampleSeed(0, 1)).isNotEqualTo(MaskPolicy.training(RANDOM, 43).sampleSeed(0, 1));
    }

    private static String bits(float[] columns) {
        StringBuilder sb = new StringBuilder();
        for (float c : columns) sb.append(c == 0 ? '0' : '1');
        return sb.toString();
    }

    @Test
    void testMasksAreTheFileSeededMasksAndSamplesMatchTheReconstructorsInput() {
        SliceDataset<ImageSample> ds = images().masks(MaskPolicy.test(EQUISPACED)).prefetch(2, 4).build();
        Map<String, Reconstructor.Reconstruction> reference = new HashMap<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (var batch : epoch(ds, epoch)) {
                for (ImageSample s : batch.samples()) {
                    int width = s.sampling().mask().length;
                    assertThat(s.sampling().mask()).containsExactly(EQUISPACED.maskForFile(width, s.fileName()).toFloats());
                    Reconstructor.Reconstruction v = reference.computeIfAbsent(s.fileName(), n -> {
                        try (FastMriFile f = FastMriFile.open(dir.resolve("site").resolve(n))) {
                            return Reconstructor.reconstruct(new ZeroFilled(), f, EQUISPACED, null);
                        }
                    });
                    int plane = s.height() * s.width();
                    float[] slice = java.util.Arrays.copyOfRange(v.data(), s.slice() * plane, (s.slice() + 1) * plane);
                    for (int i = 0; i < plane; i++) assertThat(s.input()[i]).isCloseTo(slice[i], within(1e-6f * (1 + Math.abs(slice[i]))));
                }
            }
        }
    }

    @Test
    void targetsAndVolumeMaxima() {
        SliceDataset<ImageSample> ds = images().prefetch(0, 1).build();
        for (var batch : epoch(ds, 0)) {
            for (ImageSample s : batch.samples()) {
                Volumes.Spec spec = s.fileName().equals("vol_c.h5") ? Volumes.Spec.of(4, "AXT2", "pc").shape(24, 20, 12, 12)
                        : Volumes.Spec.of(s.fileName().equals("vol_a.h5") ? 5 : s.fileName().equals("vol_b.h5") ? 3 : 2, "x", "y");
                float[] all = Volumes.target(spec);
                int plane = s.height() * s.width();
                assertThat(s.target()).containsExactly(java.util.Arrays.copyOfRange(all, s.slice() * plane, (s.slice() + 1) * plane));
                float max = Float.NEGATIVE_INFINITY;
                for (float t : all) max = Math.max(max, t);
                assertThat(s.maxValue()).as(s.fileName()).isCloseTo(max, within(1e-6)); // attribute, or computed for vol_d
            }
        }
        try (FastMriFile f = FastMriFile.open(dir.resolve("site/vol_d.h5"))) {
            assertThat(f.numberAttribute("max")).isEmpty();
        }
    }

    @Test
    void exceptionsInAPrefetchThreadReachTheConsumer() {
        SampleTransform<ImageSample> failing = c -> {
            if (c.volume().fileName().equals("vol_b.h5") && c.slice() == 1) throw new DataException(c.file().path(), "boom at slice 1");
            return new ZeroFilledImageTransform(true).apply(c);
        };
        SliceDataset<ImageSample> ds = SliceDataset.builder(failing).entries(catalog.entries()).prefetch(3, 4).build();
        List<String> seen = new ArrayList<>();
        BatchLoader<ImageSample> loader = ds.load(0);
        assertThatThrownBy(() -> {
            while (loader.hasNext()) for (ImageSample s : loader.next().samples()) seen.add(s.fileName() + "#" + s.slice());
        }).isInstanceOf(DataException.class).hasMessageContaining("vol_b.h5").hasMessageContaining("boom at slice 1");
        assertThat(seen).containsExactly("vol_a.h5#0", "vol_a.h5#1", "vol_a.h5#2", "vol_a.h5#3", "vol_a.h5#4", "vol_b.h5#0");
        assertThat(loader.hasNext()).isFalse(); // closed after the failure
        // the pool has terminated; its worker threads finish exiting a moment later
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("robustmri-prefetch-")) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("robustmri-prefetch-") && t.isAlive());

        // a data problem found while reading (a catalog range beyond the file) names the file
        Map<String, String> cells = new java.util.LinkedHashMap<>(catalog.entries().get(1).values());
        cells.put("end_slice", "9");
        cells.put("numSlices", "9");
        SliceDataset<ImageSample> bad = SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(List.of(CatalogEntry.of(cells))).build();
        assertThatThrownBy(() -> epoch(bad, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("vol_b.h5").hasMessageContaining("exceeds the file's 3 slices");
    }

    @Test
    void anEmptySelectionIsAClearError() {
        assertThatThrownBy(() -> SliceDataset.builder(new ZeroFilledImageTransform(true)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty selection");
        Selection none = Distribution.parse("- {protocolName: NOPE}", "spec").select(catalog);
        assertThatThrownBy(() -> SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(none.entries()).build())
                .hasMessageContaining("empty selection");
        Map<String, String> cells = new java.util.LinkedHashMap<>(catalog.entries().get(0).values());
        cells.put("start_slice", "2");
        cells.put("end_slice", "2");
        assertThatThrownBy(() -> SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(List.of(CatalogEntry.of(cells))).build())
                .hasMessageContaining("empty selection").hasMessageContaining("no slices");
    }

    @Test
    void aKspaceModelGetsMaskedKspaceWithoutTouchingTheDataset() {
        SliceDataset<KspaceSample> ds = SliceDataset.builder(new MaskedKspaceTransform(true)).entries(catalog.entries())
                .masks(MaskPolicy.test(EQUISPACED)).batching(Batching.shapeBucketed(4)).build();
        int checked = 0;
        try (BatchLoader<KspaceSample> loader = ds.load(0)) {
            while (loader.hasNext()) {
                for (KspaceSample s : loader.next().samples()) {
                    float[] mask = EQUISPACED.maskForFile(s.width(), s.fileName()).toFloats();
                    assertThat(s.sampling().weights()).containsExactly(mask); // no header window in these files
                    float[] raw;
                    try (FastMriFile f = FastMriFile.open(dir.resolve("site").resolve(s.fileName()))) {
                        FloatBuffer fb = f.readKspaceSlice(s.slice()).asFloatBuffer();
                        raw = new float[fb.remaining()];
                        fb.get(raw);
                    }
                    for (int i = 0; i < raw.length; i++) {
                        int column = (i / 2) % s.width();
                        float k = s.maskedKspace()[i];
                        if (mask[column] == 0) assertThat(Float.floatToRawIntBits(k)).isZero(); // +0.0, never -0.0
                        else assertThat(k).isEqualTo(raw[i]);
                    }
                    assertThat(s.maskedKspace()).hasSize(2 * s.coils() * s.height() * s.width());
                    assertThat(s.target()).hasSize(s.targetHeight() * s.targetWidth());
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(TOTAL_SLICES);
    }

    @Test
    void mixturePlansDriveTheDatasetAndPathsAreRebased() {
        Selection pd = Distribution.parse("- {protocolName: CORPD_FBK}", "P").select(catalog);
        Selection t2 = Distribution.parse("- {protocolName: AXT2}", "Q").select(catalog);
        Mixture m = Mixture.builder().add("P", pd.entries()).add("Q", t2.entries())
                .weights(Weighting.explicit(Map.of("P", 0.75, "Q", 0.25))).slicesPerEpoch(8).seed(9).build();
        // the catalog as the paper would ship it: someone else's folders, rebased onto the local copy
        List<CatalogEntry> foreign = new ArrayList<>();
        Map<CatalogEntry, CatalogEntry> moved = new HashMap<>();
        for (CatalogEntry e : m.entries()) {
            Map<String, String> cells = new java.util.LinkedHashMap<>(e.values());
            cells.put("folderDirectory", "/media/authors/disk/site/");
            CatalogEntry f = CatalogEntry.of(cells);
            foreign.add(f);
            moved.put(e, f);
        }
        SliceDataset<ImageSample> rebased = SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(foreign).dataRoot(dir)
                .masks(MaskPolicy.training(RANDOM, 9)).build();
        assertThat(rebased.file(0)).isEqualTo(dir.resolve("site").resolve(foreign.get(0).filename()));
        assertThatThrownBy(() -> rebased.refs(m.plan(0))).hasMessageContaining("not in this dataset");
        Mixture.EpochPlan plan = m.plan(0);
        List<SliceDataset.SliceIndex> order = new ArrayList<>();
        for (Mixture.Draw d : plan.draws()) {
            order.add(new SliceDataset.SliceIndex(rebased.entries().indexOf(moved.get(d.entry())), d.slice()));
        }
        Map<String, Integer> perProtocol = new HashMap<>();
        try (BatchLoader<ImageSample> loader = rebased.load(0, rebased.plan(0, order))) {
            while (loader.hasNext()) {
                for (ImageSample s : loader.next().samples()) {
                    perProtocol.merge(s.fileName().equals("vol_c.h5") ? "Q" : "P", 1, Integer::sum);
                }
            }
        }
        assertThat(plan.sliceCounts()).containsExactly(Map.entry("P", 6), Map.entry("Q", 2));
        assertThat(perProtocol).isEqualTo(plan.sliceCounts());
        // on the local catalog the mixture plugs in directly
        SliceDataset<ImageSample> local = SliceDataset.builder(new ZeroFilledImageTransform(true)).entries(m.entries())
                .batching(Batching.sameVolume(2, true)).build();
        List<List<SliceDataset.SliceIndex>> batches = local.plan(0, m);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(8);
        for (var b : batches) assertThat(b).extracting(SliceDataset.SliceIndex::volume).containsOnly(b.get(0).volume());
    }

    @Test
    void thePapersBatchesDrawASliceAndOthersOfItsVolumeWithOneMaskPerBatch() {
        SliceDataset<ImageSample> ds = images().masks(MaskPolicy.training(RANDOM, 5)).batching(Batching.paper(3)).shuffle(true).seed(8).build();
        List<List<SliceDataset.SliceIndex>> plan = ds.plan(1);
        assertThat(plan).hasSize(TOTAL_SLICES / 3); // n // B draws
        for (List<SliceDataset.SliceIndex> b : plan) {
            int vol = b.get(0).volume();
            int volumeSlices = ds.entries().get(vol).slices();
            assertThat(b).hasSize(Math.min(3, volumeSlices));
            assertThat(b).extracting(SliceDataset.SliceIndex::volume).containsOnly(vol);
            assertThat(new HashSet<>(b)).hasSize(b.size()); // distinct slices
        }
        assertThat(ds.plan(2)).isNotEqualTo(plan);
        List<String> masks = new ArrayList<>();
        for (var batch : epoch(ds, 1)) {
            String first = bits(batch.samples().get(0).sampling().mask());
            for (ImageSample s : batch.samples()) assertThat(bits(s.sampling().mask())).isEqualTo(first); // one mask per batch
            masks.add(first);
        }
        assertThat(new HashSet<>(masks).size()).isGreaterThan(1); // but a new one for each batch
    }
}
