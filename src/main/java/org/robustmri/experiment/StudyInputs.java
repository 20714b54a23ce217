package org.robustmri.experiment;

import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.io.DataException;
import org.robustmri.train.TrainRun;
import org.robustmri.io.Manifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * What a study's finished work depends on (its catalogs, library YAML, box annotations and every data volume), each
 * with its SHA-256 and size, recorded in {@value #FILE} before the first run trains and verified before a resume
 * trusts anything: a changed or replaced input stops the study with its name. Inputs inside the study are keyed by
 * their path relative to it and outside it by the name the catalog or config gives them, so a moved or copied study
 * still matches its record.
 */
final class StudyInputs {
    static final String FILE = "inputs.json";

    /** One input: how it is recorded, and where it is now. */
    record Input(String key, Path path) {
    }

    /** A recorded input whose file now differs. */
    record Change(String key, Path path, String recorded, String now) {
        String describe() {
            return path + " changed since the study used it (recorded sha256:size " + recorded + ", now " + now + ")";
        }
    }

    private final Path study;

    StudyInputs(Path study) {
        this.study = study.toAbsolutePath().normalize();
    }

    /**
     * Before any finished work is trusted: the study's inputs must be the ones it recorded. A change stops the study
     * naming the files, unless changed data was accepted; inputs seen for the first time are recorded.
     */
    static void check(StudyContext ctx, List<Experiment.RunPlan> runs, boolean acceptChanged, Experiment.Listener l) {
        StudyInputs record = new StudyInputs(ctx.out());
        List<Input> inputs = record.inputs(ctx, runs);
        l.phase(record.recorded() ? "verify inputs" : "record inputs", inputs.size(), "files");
        Check check = record.check(inputs, n -> l.step(""));
        List<Change> changes = check.changes();
        l.endPhase();
        if (!changes.isEmpty() && !acceptChanged) {
            throw new DataException(changes.get(0).describe() + (changes.size() > 1 ? "; and " + (changes.size() - 1) + " more input(s)" : "")
                    + "; finished runs were made with the recorded data: "
                    + (ctx.simulated() ? "delete " + ctx.dataDir() + " to simulate it again, or " : "restore it, or ")
                    + "pass --accept-changed-data to go on with the new data");
        }
        for (Change c : changes) l.message("accepted changed input: " + c.describe());
        if (record.recorded() && changes.isEmpty() && !check.news()) return;
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!changes.isEmpty()) fields.put("accepted_changes", changes.stream().map(Change::key).toList());
        record.write(check, fields);
    }

    /** Every file the study's work depends on: library YAML, catalogs, box annotations, and the data volumes it uses. */
    private List<Input> inputs(StudyContext ctx, List<Experiment.RunPlan> runs) {
        ExperimentConfig cfg = ctx.config();
        Map<String, Input> in = new LinkedHashMap<>();
        if (ctx.simulated()) {
            for (Path lib : ctx.libraryFiles()) in.putIfAbsent(lib.toString(), input(lib, lib.toString()));
        }
        java.util.Set<String> catalogs = new java.util.LinkedHashSet<>(ctx.trainCatalogs());
        catalogs.addAll(ctx.validationCatalogs());
        catalogs.addAll(ctx.testCatalogs());
        for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) {
            if (t.catalogs() != null) for (String c : t.catalogs()) catalogs.add(ctx.resolveConfigPath(c).toString());
        }
        for (String c : catalogs) in.putIfAbsent(c, input(Path.of(c), c));
        Path boxes = ctx.pathologyBoxesFile();
        if (boxes != null) in.putIfAbsent(boxes.toString(), input(boxes, boxes.toString()));
        Path root = ctx.dataRootPath();
        java.util.Set<CatalogEntry> volumes = new java.util.LinkedHashSet<>();
        for (Experiment.RunPlan r : runs) {
            TrainRun.Split split = TrainRun.split(r.spec());
            volumes.addAll(split.mixture().entries());
            volumes.addAll(split.heldOut());
        }
        Catalog test = ctx.testCatalog();
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> t : ctx.tests().entrySet()) volumes.addAll(ctx.testVolumes(t, test));
        if (!ctx.validationCatalogs().isEmpty()) volumes.addAll(StudyContext.readCatalogs(ctx.validationCatalogs()).entries());
        for (CatalogEntry e : volumes) e.locate(root).ifPresent(p -> in.putIfAbsent("volume " + p, input(p, e.identity())));
        return new ArrayList<>(in.values());
    }

    Path file() {
        return study.resolve(FILE);
    }

    /** The key of a file: relative to the study when inside it, else {@code external}, the name it is known by. */
    Input input(Path path, String external) {
        Path abs = path.toAbsolutePath().normalize();
        return new Input(abs.startsWith(study) ? study.relativize(abs).toString().replace('\\', '/') : external, abs);
    }

    /** True when the study has a record. */
    boolean recorded() {
        return Files.isRegularFile(file());
    }

    /** What the inputs are now, against the record. */
    record Check(Map<String, String> now, List<Change> changes, boolean news) {
    }

    /**
     * Hashes {@code inputs} (in parallel; {@code onFile} is told each file's size when it is done) and compares them with the record: the
     * changed ones, and whether any input is new to it (e.g. of an extension; new inputs are not changes).
     */
    Check check(List<Input> inputs, LongConsumer onFile) {
        Map<String, String> recorded = recorded() ? record().files() : Map.of();
        Map<String, String> now = fingerprints(inputs, onFile);
        List<Change> changes = new ArrayList<>();
        boolean news = false;
        for (Input i : inputs) {
            String was = recorded.get(i.key());
            if (was == null) news = true;
            else if (!was.equals(now.get(i.key()))) changes.add(new Change(i.key(), i.path(), was, now.get(i.key())));
        }
        return new Check(now, changes, news);
    }

    /** Records the inputs as they are now (merged over an existing record) atomically. */
    void write(Check check, Map<String, Object> fields) {
        Map<String, String> files = new LinkedHashMap<>(recorded() ? record().files() : Map.of());
        files.putAll(check.now());
        new Manifest(fields, files).write(file());
    }

    private Manifest record() {
        return Manifest.read(file()).orElseThrow(() -> new DataException(file(), "unreadable record of the study's inputs"));
    }

    private static Map<String, String> fingerprints(List<Input> inputs, LongConsumer onFile) {
        int threads = Math.max(1, Math.min(inputs.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "robustmri-hash");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (Input i : inputs) {
                fs.add(pool.submit(() -> {
                    String f = Manifest.fingerprint(i.path());
                    synchronized (onFile) {
                        onFile.accept(Files.size(i.path()));
                    }
                    return f;
                }));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (int k = 0; k < inputs.size(); k++) out.put(inputs.get(k).key(), get(fs.get(k)));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String get(Future<String> f) {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
