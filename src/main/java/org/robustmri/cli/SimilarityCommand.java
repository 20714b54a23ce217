package org.robustmri.cli;

import org.robustmri.io.Provenance;
import org.robustmri.similarity.Embedding;
import org.robustmri.similarity.Embeddings;
import org.robustmri.similarity.TrainTestSimilarity;
import org.robustmri.tensor.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "similarity", description = {
        "Train-test similarity: for every test slice (its target image), the cosine similarity of its embedding to the",
        "nearest training slice, with that slice named. Writes test_file,test_slice,nn_file,nn_slice,similarity and a",
        "provenance JSON; prints the mean per test file and overall. A test slice that is also a training slice scores 1."})
final class SimilarityCommand implements Callable<Integer> {
    @Option(names = "--train", required = true, paramLabel = "DIR|CATALOG.csv", description = "Training slices: a directory of .h5 files or a catalog CSV.")
    Path train;

    @Option(names = "--test", required = true, paramLabel = "DIR|CATALOG.csv", description = "Test slices, the same way.")
    Path test;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv")
    Path out;

    @Option(names = "--embedding", defaultValue = Embeddings.DEFAULT, paramLabel = "NAME", description = {
            "random-conv (default; fixed-seed random convolutional features, no download), random-conv-centred (the same",
            "centred on 64 fixed noise images: a wider spread, the same order), random-conv:SEED, or",
            "safetensors:FILE with your own convolution weights conv0.weight (C0, 1 or 3, k, k), conv0.bias, conv1.weight, ..., or",
            "clip:weights=FILE.safetensors[,act=quickgelu|gelu][,heads=N]: the paper's CLIP image embedding from the visual tower",
            "of OpenAI CLIP or open_clip (ViT-B/32, ViT-B/16, ...) that you bring; nothing is downloaded."})
    String embedding;

    @Option(names = "--data-root", paramLabel = "DIR", description = "Where catalog rows' files are (as for train and select).")
    Path dataRoot;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Torch.setThreads(threads);
        Embedding e = Embeddings.of(embedding);
        List<TrainTestSimilarity.SliceRef> tr = TrainTestSimilarity.slices(train, dataRoot);
        List<TrainTestSimilarity.SliceRef> te = TrainTestSimilarity.slices(test, dataRoot);
        long distinct = TrainTestSimilarity.distinctSlices(List.of(tr, te));
        TrainTestSimilarity.Result r;
        try (ProgressBar bar = new ProgressBar("similarity", distinct + te.size(), "slices")) {
            r = TrainTestSimilarity.run(tr, te, e, bar::step);
        }
        r.writeCsv(out);
        new Provenance("similarity")
                .put("embedding", e.spec())
                .put("embedding_dimension", e.dimension())
                .put("train", train.toString())
                .put("test", test.toString())
                .put("train_slices", tr.size())
                .put("test_slices", te.size())
                .put("search", "exact cosine nearest neighbour, blocked float32 matrix products, winner recomputed in float64")
                .put("mean_similarity", r.mean())
                .write(out.resolveSibling(out.getFileName() + ".provenance.json"));
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%-44s %6s %10s%n", "test file", "slices", "similarity");
        for (var f : r.perFile().entrySet()) o.printf(Locale.ROOT, "%-44s %6d %10.4f%n", f.getKey(), (int) f.getValue()[0], f.getValue()[1]);
        o.printf(Locale.ROOT, "%nmean nearest-neighbour similarity %.4f over %d test slices against %d training slices; embedding %s%nwrote %s%n",
                r.mean(), te.size(), tr.size(), e.spec(), out);
        return 0;
    }
}
