package org.robustmri.similarity;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.tensor.Tensors;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * For every test slice, the training slice whose target image is most similar in an embedding space, as the
 * paper's train-test similarity analysis (there with CLIP). Every distinct slice is embedded once, so a test slice
 * that is also a training slice has similarity exactly 1.
 */
public final class TrainTestSimilarity {
    /** One slice of one file; {@code name} is the file name as results name it. */
    public record SliceRef(Path file, String name, int slice) {
        String key() {
            return file.toAbsolutePath().normalize() + "#" + slice;
        }
    }

    public record Match(SliceRef test, SliceRef nearest, double similarity) {
    }

    public record Result(String embedding, List<Match> matches) {
        public double mean() {
            return matches.stream().mapToDouble(Match::similarity).average().orElse(Double.NaN);
        }

        /** Mean similarity per test file, in file order. */
        public Map<String, double[]> perFile() { // name -> {slices, mean}
            Map<String, double[]> acc = new TreeMap<>();
            for (Match m : matches) {
                double[] a = acc.computeIfAbsent(m.test().name(), k -> new double[2]);
                a[0]++;
                a[1] += m.similarity();
            }
            acc.replaceAll((k, a) -> new double[]{a[0], a[1] / a[0]});
            return acc;
        }

        /** {@code test_file,test_slice,nn_file,nn_slice,similarity}, written atomically. */
        public void writeCsv(Path out) {
            AtomicFiles.write(out, tmp -> {
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    w.write("test_file,test_slice,nn_file,nn_slice,similarity\n");
                    for (Match m : matches) {
                        w.write(String.format(Locale.ROOT, "%s,%d,%s,%d,%.9f%n", m.test().name(), m.test().slice(), m.nearest().name(),
                                m.nearest().slice(), m.similarity()));
                    }
                }
            });
        }
    }

    private TrainTestSimilarity() {
    }

    /**
     * The slices of a directory of {@code .h5} files (all slices of each) or of a catalog CSV (each row's slice
     * range; files found through {@code dataRoot} as elsewhere).
     */
    public static List<SliceRef> slices(Path dirOrCatalog, Path dataRoot) {
        List<SliceRef> out = new ArrayList<>();
        if (Files.isDirectory(dirOrCatalog)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dirOrCatalog)) {
                files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".h5") && !p.getFileName().toString().startsWith("."))
                        .sorted().toList();
            } catch (IOException e) {
                throw new DataException(dirOrCatalog, "cannot list directory: " + e.getMessage(), e);
            }
            if (files.isEmpty()) throw new DataException(dirOrCatalog, "no .h5 files");
            for (Path f : files) {
                try (FastMriFile h = FastMriFile.open(f)) {
                    int n = h.shapeOf(h.requireTargetKey())[0];
                    for (int s = 0; s < n; s++) out.add(new SliceRef(f, f.getFileName().toString(), s));
                }
            }
        } else if (Files.isRegularFile(dirOrCatalog) && dirOrCatalog.getFileName().toString().endsWith(".csv")) {
            Catalog c = Catalog.read(dirOrCatalog);
            if (c.isEmpty()) throw new DataException(dirOrCatalog, "catalog has no rows");
            for (CatalogEntry e : c.entries()) {
                Path f = e.resolve(dataRoot);
                for (int s = e.startSlice(); s < e.endSlice(); s++) out.add(new SliceRef(f, e.filename(), s));
            }
        } else {
            throw new DataException(dirOrCatalog, "expected a directory of .h5 files or a catalog .csv");
        }
        return out;
    }

    /**
     * Embeds every distinct slice of both sets once (in batches), then finds each test slice's nearest training
     * slice. {@code progress} counts slices embedded, then test slices searched.
     */
    public static Result run(List<SliceRef> train, List<SliceRef> test, Embedding embedding, LongConsumer progress) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training slices");
        Map<String, Integer> row = new LinkedHashMap<>();
        List<SliceRef> distinct = distinct(List.of(train, test), row);
        int d = embedding.dimension();
        float[] all = embedAll(distinct, embedding, progress);
        NearestNeighbours.Result nn = NearestNeighbours.search(gather(all, train, row, d), train.size(), gather(all, test, row, d), test.size(), d, progress);
        List<Match> matches = new ArrayList<>(test.size());
        for (int i = 0; i < test.size(); i++) matches.add(new Match(test.get(i), train.get(nn.index()[i]), nn.similarity()[i]));
        return new Result(embedding.spec(), matches);
    }

    /** How many distinct slices the sets hold together (what {@code progress} counts before the search). */
    public static int distinctSlices(java.util.Collection<List<SliceRef>> sets) {
        return distinct(sets, new LinkedHashMap<>()).size();
    }

    /** The distinct slices of the sets in first-seen order; {@code row} gets each slice's index. */
    private static List<SliceRef> distinct(java.util.Collection<List<SliceRef>> sets, Map<String, Integer> row) {
        List<SliceRef> out = new ArrayList<>();
        for (List<SliceRef> set : sets) {
            for (SliceRef s : set) if (row.putIfAbsent(s.key(), out.size()) == null) out.add(s);
        }
        return out;
    }

    /** Mean nearest-neighbour similarity of one test set to one training set. */
    public record PairMean(String trainSet, String testSet, int trainSlices, int testSlices, double mean) {
    }

    /**
     * The mean similarity of every test set to every training set, embedding each distinct slice of all of them once.
     * {@code progress} counts slices embedded, then test slices searched.
     */
    public static List<PairMean> meanSimilarities(Map<String, List<SliceRef>> trainSets, Map<String, List<SliceRef>> testSets, Embedding embedding,
                                                  LongConsumer progress) {
        Map<String, Integer> row = new LinkedHashMap<>();
        List<List<SliceRef>> sets = new ArrayList<>(trainSets.values());
        sets.addAll(testSets.values());
        List<SliceRef> distinct = distinct(sets, row);
        int d = embedding.dimension();
        float[] all = embedAll(distinct, embedding, progress);
        List<PairMean> out = new ArrayList<>();
        for (Map.Entry<String, List<SliceRef>> tr : trainSets.entrySet()) {
            if (tr.getValue().isEmpty()) continue;
            float[] trv = gather(all, tr.getValue(), row, d);
            for (Map.Entry<String, List<SliceRef>> te : testSets.entrySet()) {
                if (te.getValue().isEmpty()) continue;
                float[] tev = gather(all, te.getValue(), row, d);
                NearestNeighbours.Result nn = NearestNeighbours.search(trv, tr.getValue().size(), tev, te.getValue().size(), d, progress);
                double sum = 0;
                for (double v : nn.similarity()) sum += v;
                out.add(new PairMean(tr.getKey(), te.getKey(), tr.getValue().size(), te.getValue().size(), sum / te.getValue().size()));
            }
        }
        return out;
    }

    /** At most {@code max} slices, evenly spaced through the list (deterministic), to bound the cost on large sets. */
    public static List<SliceRef> thin(List<SliceRef> slices, int max) {
        if (slices.size() <= max) return slices;
        List<SliceRef> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) out.add(slices.get((int) ((long) i * slices.size() / max)));
        return out;
    }

    static final int BATCH = 32;

    private static float[] embedAll(List<SliceRef> slices, Embedding embedding, LongConsumer progress) {
        int d = embedding.dimension();
        float[] out = new float[slices.size() * d];
        int i = 0;
        while (i < slices.size()) {
            // a batch holds slices of one image size
            int j = i;
            List<float[]> imgs = new ArrayList<>();
            int h = -1, w = -1;
            Path open = null;
            FastMriFile f = null;
            try {
                while (j < slices.size() && imgs.size() < BATCH) {
                    SliceRef s = slices.get(j);
                    if (!s.file().equals(open)) {
                        if (f != null) f.close();
                        f = FastMriFile.open(s.file());
                        open = s.file();
                    }
                    String key = f.requireTargetKey();
                    int[] shape = f.shapeOf(key);
                    if (h >= 0 && (shape[1] != h || shape[2] != w)) break;
                    h = shape[1];
                    w = shape[2];
                    float[] img = f.readFloatSlice(key, s.slice());
                    for (float v : img) if (!Float.isFinite(v)) throw new DataException(s.file(), "target slice " + s.slice() + " contains " + v);
                    imgs.add(img);
                    j++;
                }
            } finally {
                if (f != null) f.close();
            }
            float[] batch = new float[imgs.size() * h * w];
            for (int k = 0; k < imgs.size(); k++) System.arraycopy(imgs.get(k), 0, batch, k * h * w, h * w);
            try (PointerScope scope = new PointerScope()) {
                Tensor e = embedding.embed(Tensors.fromFloats(batch, imgs.size(), 1, h, w));
                float[] v = Tensors.toFloats(e);
                System.arraycopy(v, 0, out, i * d, v.length);
            }
            progress.accept(imgs.size());
            i = j;
        }
        return out;
    }

    private static float[] gather(float[] all, List<SliceRef> set, Map<String, Integer> row, int d) {
        float[] out = new float[set.size() * d];
        for (int i = 0; i < set.size(); i++) System.arraycopy(all, row.get(set.get(i).key()) * d, out, i * d, d);
        return out;
    }
}
