package org.robustmri.train;

import org.robustmri.data.Weighting;
import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Batching;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.data.Leakage;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.Mixture;
import org.robustmri.data.Sample;
import org.robustmri.data.SliceDataset;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.ConfigDiff;
import org.robustmri.io.DirectoryLock;
import org.robustmri.io.OutputDirectory;
import org.robustmri.io.DataException;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import org.robustmri.metric.MetricSpec;
import org.robustmri.model.ModelFamily;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One training run from a {@link TrainSpec}: selects the data, builds the mixture, datasets and model,
 * writes {@code config.yaml} and {@code run.json} (provenance) and runs the {@link Trainer}; a run directory
 * with a config resumes where it stopped.
 */
public final class TrainRun {

    private TrainRun() {
    }

    /** Everything a run is made of, resolved from the spec. */
    public record Prepared(TrainSpec spec, ModelSpec modelSpec, MaskFunction mask, Mixture mixture,
                           List<CatalogEntry> trainEntries, List<CatalogEntry> validationEntries,
                           DatasetBatchSource train, DatasetBatchSource validation, String manifestHash) {
    }

    /** The model of a spec: its registered name or family with {@code chans}, {@code pools} and {@code model_params}. */
    public static ModelSpec modelSpec(TrainSpec s) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (s.modelParams() != null) p.putAll(s.modelParams());
        if (s.chans() != null) p.put("chans", s.chans());
        if (s.pools() != null) p.put("pools", s.pools());
        return ModelRegistry.resolve(s.model() == null ? "unet-small" : s.model(), p);
    }

    public static Prepared prepare(TrainSpec spec) {
        TrainSpec s = spec.validate();
        if (s.catalogs().isEmpty()) throw new IllegalArgumentException("no catalogs given (catalogs: [...] or --catalog)");
        if (s.train().isEmpty()) throw new IllegalArgumentException("no training distribution given (train: {name: [filters]} or --train)");
        Loss.parse(s.loss());
        ModelSpec modelSpec = modelSpec(s);
        MaskFunction mask = MaskFunction.fromName(s.mask().type(), s.mask().accelerations(), s.mask().centerFractions());
        ModelRegistry.checkTrainable(modelSpec, mask);
        Catalog catalog = catalog(s.catalogs());
        Split split = split(s, catalog);
        Mixture mixture = split.mixture();
        List<CatalogEntry> trainEntries = new ArrayList<>(new LinkedHashSet<>(mixture.entries()));
        List<CatalogEntry> valEntries = split.heldOut();
        if (s.validation() != null) {
            Catalog valCatalog = catalog;
            if (s.validationCatalogs() != null && !s.validationCatalogs().isEmpty()) {
                List<Catalog> vc = new ArrayList<>();
                for (String c : s.validationCatalogs()) vc.add(Catalog.read(Path.of(c)));
                valCatalog = vc.size() == 1 ? vc.get(0) : Catalog.concat(vc, String.join("+", s.validationCatalogs()));
            }
            valEntries = Distribution.fromNode(s.validation(), "validation").select(valCatalog).entries();
            if (s.validationVolumes() != null && valEntries.size() > s.validationVolumes()) {
                valEntries = valEntries.subList(0, s.validationVolumes());
            }
            if (valEntries.isEmpty()) throw new DataException("the validation distribution selects no volumes");
            Leakage.check(trainEntries, valEntries);
        }
        Path root = s.dataRoot() == null ? null : Path.of(s.dataRoot());
        int threads = Math.max(1, s.threads());
        ModelFamily family = ModelRegistry.family(modelSpec.family());
        Batching batching = "paper".equals(s.batching()) ? Batching.paper(s.batchSize()) : Batching.sameVolume(s.batchSize(), false);
        SliceDataset<? extends Sample> trainSet = SliceDataset.builder(family.transform(modelSpec, true))
                .entries(trainEntries).dataRoot(root).masks(MaskPolicy.training(mask, s.dataSeed()))
                .batching(batching).shuffle(true).seed(s.dataSeed()).augment(s.augmenting())
                .prefetch(threads, 4).build();
        DatasetBatchSource train = new DatasetBatchSource(trainSet, mixture, "mixture " + mixture);
        DatasetBatchSource val = null;
        if (!valEntries.isEmpty()) {
            SliceDataset<? extends Sample> valSet = SliceDataset.builder(family.transform(modelSpec, true))
                    .entries(valEntries).dataRoot(root).masks(MaskPolicy.test(mask))
                    .batching(Batching.sameVolume(Math.max(1, s.batchSize()), true)).shuffle(false).seed(0)
                    .prefetch(threads, 4).build();
            val = new DatasetBatchSource(valSet, null, "validation " + valEntries.size() + " volumes");
        }
        return new Prepared(s, modelSpec, mask, mixture, trainEntries, valEntries, train, val,
                manifestHash(trainEntries, valEntries));
    }

    static Catalog catalog(List<String> paths) {
        List<Catalog> cats = new ArrayList<>();
        for (String c : paths) cats.add(Catalog.read(Path.of(c)));
        return cats.size() == 1 ? cats.get(0) : Catalog.concat(cats, String.join("+", paths));
    }

    /** The training mixture of a spec, from its catalogs alone (no data file is opened). */
    public static Mixture mixture(TrainSpec spec) {
        return split(spec).mixture();
    }

    /** The training mixture and the volumes held out of it for validation, from the catalogs alone. */
    public static Split split(TrainSpec spec) {
        TrainSpec s = spec.withDefaults();
        if (s.catalogs().isEmpty()) throw new IllegalArgumentException("no catalogs given (catalogs: [...] or --catalog)");
        if (s.train().isEmpty()) throw new IllegalArgumentException("no training distribution given (train: {name: [filters]} or --train)");
        return split(s, catalog(s.catalogs()));
    }

    /** A mixture and what {@code validation_holdout} took out of its distributions (empty without one). */
    public record Split(Mixture mixture, List<CatalogEntry> heldOut) {
    }

    private static Split split(TrainSpec s, Catalog catalog) {
        Mixture.Builder mb = Mixture.builder().seed(s.dataSeed());
        List<CatalogEntry> heldOut = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : s.train().entrySet()) {
            List<CatalogEntry> rows = Distribution.fromNode(e.getValue(), e.getKey()).select(catalog).entries();
            if (s.validationHoldout() != null) {
                List<CatalogEntry>[] parts = holdOut(rows, s.validationHoldout(), s.dataSeed(), e.getKey());
                rows = parts[0];
                heldOut.addAll(parts[1]);
            }
            mb.add(e.getKey(), rows);
        }
        mb.weights(weights(s.weights()));
        if (s.dataFraction() != null) mb.dataFraction(Mixture.parseFraction(s.dataFraction()));
        if (s.slicesPerEpoch() != null) mb.slicesPerEpoch(s.slicesPerEpoch());
        mb.redrawEachEpoch("redraw".equals(s.sampling()));
        return new Split(mb.build(), heldOut);
    }

    /**
     * Splits a distribution's volumes into training and validation: whole patients (catalog {@code patient_id}, or
     * the volume itself without one) in a seeded order until {@code round(f * volumes)} (at least 1) are held out,
     * never all of them.
     */
    @SuppressWarnings("unchecked")
    static List<CatalogEntry>[] holdOut(List<CatalogEntry> rows, double fraction, long seed, String name) {
        Map<String, List<CatalogEntry>> byPatient = new LinkedHashMap<>();
        for (CatalogEntry e : rows) {
            String pid = e.get(org.robustmri.data.Catalog.PATIENT_ID);
            byPatient.computeIfAbsent(pid == null || pid.isBlank() ? "volume:" + e.identity() : pid, k -> new ArrayList<>()).add(e);
        }
        List<String> patients = new ArrayList<>(byPatient.keySet());
        java.util.Collections.shuffle(patients, new java.util.Random(seed * 1_000_003L + name.hashCode()));
        long target = Math.max(1, Math.round(fraction * rows.size()));
        java.util.Set<CatalogEntry> held = new java.util.HashSet<>();
        for (String p : patients) {
            if (held.size() >= target || held.size() + byPatient.get(p).size() >= rows.size()) break;
            held.addAll(byPatient.get(p));
        }
        List<CatalogEntry> train = new ArrayList<>(), val = new ArrayList<>();
        for (CatalogEntry e : rows) (held.contains(e) ? val : train).add(e);
        return new List[]{train, val};
    }

    static Weighting weights(JsonNode w) {
        if (w == null || w.isNull()) return Weighting.uniform();
        if (w.isTextual()) {
            return switch (w.asText()) {
                case "uniform" -> Weighting.uniform();
                case "proportional" -> Weighting.proportional();
                default -> throw new IllegalArgumentException("weights must be uniform, proportional or {name: weight}, got '" + w.asText() + "'");
            };
        }
        Map<String, Double> m = new LinkedHashMap<>();
        w.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return Weighting.explicit(m);
    }

    /** SHA-256 over the identities and slice ranges of every training and validation volume. */
    static String manifestHash(List<CatalogEntry> train, List<CatalogEntry> val) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (CatalogEntry e : train) md.update(("T" + e.identity() + ":" + e.startSlice() + "-" + e.endSlice() + "\n").getBytes());
            for (CatalogEntry e : val) md.update(("V" + e.identity() + ":" + e.startSlice() + "-" + e.endSlice() + "\n").getBytes());
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Config keys that may differ on resume: where the data are and how many threads read them. */
    static final java.util.Set<String> RESUMABLE_CHANGES = java.util.Set.of("threads", "data_root");

    /**
     * Trains (or resumes) the run in {@code dir}, holding its lock. A directory with a run of another config is
     * refused with the changed keys; a finished run returns at once (its provenance rewritten).
     */
    public static Trainer.Progress run(TrainSpec spec, Path dir, TrainListener listener) {
        return run(spec, dir, listener, Distributed.single());
    }

    /**
     * Trains one rank of a data-parallel run: every rank builds the same plans and takes its share of each global
     * batch; rank 0 holds the directory's lock and writes everything, the others only read it (to resume).
     */
    public static Trainer.Progress run(TrainSpec spec, Path dir, TrainListener listener, Distributed dist) {
        return run(spec, dir, dir, listener, dist);
    }

    /**
     * As {@link #run(TrainSpec, Path, TrainListener, Distributed)}, for a run that belongs to a larger directory
     * {@code anchor} (a study): data and catalogs inside it are recorded relative to the run, so the whole moves.
     */
    public static Trainer.Progress run(TrainSpec spec, Path dir, Path anchor, TrainListener listener, Distributed dist) {
        Torch.init();
        Prepared p = prepare(spec.resolvedAgainst(Path.of("")));
        TrainSpec s = p.spec();
        if (s.threads() > 0) Torch.setThreads(s.threads());
        RunDirectory run = new RunDirectory(dir);
        ReconstructionModel model = ModelRegistry.create(p.modelSpec(), s.seed());
        TrainConfig cfg = new TrainConfig(s.lr(), s.epochs(), Loss.parse(s.loss()), s.gradClip(), s.seed(), s.dataSeed(),
                0.01, 25.0, 1.0, Precision.parse(s.precision()));
        BatchSource train = dist.world() == 1 ? p.train() : p.train().forRank(dist.rank(), dist.world());
        BatchSource val = p.validation() == null || dist.world() == 1 ? p.validation() : p.validation().forRank(dist.rank(), dist.world());
        if (!dist.isLeader()) {
            dist.barrier(); // rank 0 has checked the directory and cleaned it
            return new Trainer(model, cfg, train, val, run, TrainListener.NONE, dist).run();
        }
        OutputDirectory.claim(dir, OutputDirectory.Kind.RUN);
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            AtomicFiles.removeStaleTemporaries(dir);
            if (Files.exists(run.config())) {
                List<String> changed = ConfigDiff.changes(TrainSpec.YAML.valueToTree(TrainSpec.readRun(dir)),
                        TrainSpec.YAML.valueToTree(s), RESUMABLE_CHANGES);
                if (!changed.isEmpty()) {
                    throw new IllegalArgumentException(dir + " holds a run of another config (changed: " + String.join("; ", changed)
                            + "); use a new directory");
                }
            }
            AtomicFiles.writeString(run.config(), s.portable(dir, anchor).toYaml());
            writeRunJson(run, p, null, run.latestVerifiedCommit().isPresent(), dist.world());
            dist.barrier();
            Trainer.Progress progress = new Trainer(model, cfg, train, val, run, listener, dist).run();
            writeRunJson(run, p, progress, false, dist.world());
            return progress;
        }
    }

    private static String precisionSpec(Precision p) {
        return switch (p) {
            case FP32 -> "fp32";
            case BF16 -> "bf16 autocast forward; float32 weights, optimizer state, loss and checkpoints";
            case FP16 -> "fp16 autocast forward with dynamic loss scaling (initial 2^16, x2 after 2000 good steps, x0.5 on overflow);"
                    + " float32 weights, optimizer state, loss and checkpoints";
        };
    }

    private static void writeRunJson(RunDirectory run, Prepared p, Trainer.Progress progress, boolean resuming, int world) {
        Provenance prov = new Provenance("train")
                .put("model", p.modelSpec().toString())
                .put("parameters", ModelRegistry.parameterCount(p.modelSpec()))
                .put("config", TrainSpec.YAML.convertValue(p.spec(), Map.class))
                .put("recipe", "adam(b1=0.9,b2=0.999,eps=1e-8) clip=" + p.spec().gradClip()
                        + " one-cycle(linear,pct_start=0.01,div=25,final_div=1) per step; " + Loss.parse(p.spec().loss()).spec())
                .put("precision", precisionSpec(Precision.parse(p.spec().precision())))
                .put("mask", p.mask().spec().toString() + " training: fresh per sample from (data_seed, epoch, index); validation: file-name seeded")
                .put("validation_metric", MetricSpec.SSIM_SLICE.spec())
                .put("seeds", Map.of("model", p.spec().seed(), "data", p.spec().dataSeed()))
                .put("mixture", p.mixture().toString())
                .put("realised_slices_epoch_1", p.train().realisedCounts(1))
                .put("data_manifest", Map.of("train_volumes", p.trainEntries().size(),
                        "validation_volumes", p.validationEntries().size(), "sha256", p.manifestHash()))
                .put("threads", Torch.threads())
                .put("ranks", world)
                .put("sampling", p.spec().sampling() + (p.mixture().redrawsEachEpoch() ? "" : ", distinct slices " + p.mixture().distinctSlices()))
                .put("batching", p.spec().batching() + ": " + p.train().describeBatching())
                .put("validation", p.validationEntries().isEmpty() ? "none"
                        : p.validationEntries().size() + " volume(s)" + (p.spec().validationHoldout() != null
                        ? ", held out of the training distributions (fraction " + p.spec().validationHoldout() + ")" : ""));
        if (progress != null) {
            prov.put("status", "finished").put("epochs_done", progress.epochsDone()).put("steps", progress.step())
                    .put("wall_seconds", progress.wallSeconds());
        } else {
            prov.put("status", resuming ? "resuming" : "running");
        }
        prov.write(run.runJson());
    }

}
