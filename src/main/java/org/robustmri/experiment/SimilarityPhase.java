package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.io.AtomicFiles;
import org.robustmri.report.Similarities;
import org.robustmri.similarity.Embedding;
import org.robustmri.similarity.Embeddings;
import org.robustmri.similarity.TrainTestSimilarity;
import org.robustmri.train.TrainRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.robustmri.experiment.StudyContext.orDefault;

/**
 * Train-test similarity: the mean nearest-neighbour similarity of every test set to every training set (the slices its
 * first run trains on, at most {@code similarity_max_slices} evenly spaced per set), in {@value Experiment#SIMILARITY_CSV}.
 */
final class SimilarityPhase {
    static final int DEFAULT_MAX_SLICES = 2000;

    private SimilarityPhase() {
    }

    static boolean wanted(ExperimentConfig cfg) {
        return cfg.analyses() == null || cfg.analyses().contains("similarity");
    }

    static void run(StudyContext ctx, List<Experiment.RunPlan> runs, Catalog test, Experiment.Listener l) {
        ExperimentConfig cfg = ctx.config();
        ExperimentConfig.Similarity settings = cfg.similarity() == null ? new ExperimentConfig.Similarity(null, null) : cfg.similarity();
        Embedding e = Embeddings.of(settings.embedding() == null ? Embeddings.DEFAULT : settings.embedding(), ctx::resolveConfigPath);
        int max = orDefault(settings.maxSlices(), DEFAULT_MAX_SLICES);
        Path root = ctx.dataRootPath();
        Map<String, List<TrainTestSimilarity.SliceRef>> trainSets = new LinkedHashMap<>();
        for (Experiment.RunPlan r : runs) {
            if (trainSets.containsKey(r.set().name())) continue;
            List<TrainTestSimilarity.SliceRef> s = new ArrayList<>();
            for (CatalogEntry c : TrainRun.split(r.spec()).mixture().entries()) addSlices(s, c, root);
            trainSets.put(r.set().name(), TrainTestSimilarity.thin(s, max));
        }
        Map<String, List<TrainTestSimilarity.SliceRef>> testSets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : ctx.tests().entrySet()) {
            List<TrainTestSimilarity.SliceRef> s = new ArrayList<>();
            for (CatalogEntry c : ctx.testVolumes(t, test)) addSlices(s, c, root);
            testSets.put(t.getKey(), TrainTestSimilarity.thin(s, max));
        }
        List<List<TrainTestSimilarity.SliceRef>> all = new ArrayList<>(trainSets.values());
        all.addAll(testSets.values());
        long distinct = TrainTestSimilarity.distinctSlices(all);
        long searched = (long) trainSets.size() * testSets.values().stream().mapToLong(List::size).sum();
        l.phase("train-test similarity", distinct + searched, "slices");
        List<TrainTestSimilarity.PairMean> means = TrainTestSimilarity.meanSimilarities(trainSets, testSets, e, n -> {
            for (long i = 0; i < n; i++) l.step("");
        });
        l.endPhase();
        StringBuilder csv = new StringBuilder(Similarities.HEADER + "\n");
        for (var m : means) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.9f,\"%s\"%n", m.trainSet(), m.testSet(), m.trainSlices(), m.testSlices(), m.mean(),
                    e.spec().replace("\"", "'")));
        }
        AtomicFiles.writeString(ctx.out().resolve(Experiment.SIMILARITY_CSV), csv.toString());
    }

    private static void addSlices(List<TrainTestSimilarity.SliceRef> out, CatalogEntry c, Path root) {
        Path f = c.resolve(root);
        for (int s = c.startSlice(); s < c.endSlice(); s++) out.add(new TrainTestSimilarity.SliceRef(f, c.filename(), s));
    }
}
