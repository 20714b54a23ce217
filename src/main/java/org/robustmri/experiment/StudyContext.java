package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.data.PathologyBoxes;
import org.robustmri.sim.DistributionLibrary;
import org.robustmri.sim.SimulationRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a study's things are: its validated config, the study directory, the catalogs of its training, validation and
 * test data (the simulated ones inside the study, or the config's, relative to the config's folder), the data root,
 * the named distributions and test sets, the simulation library and the pathology boxes. Every phase reads it; none
 * changes it.
 */
final class StudyContext {
    private final ExperimentConfig cfg;
    private final Path configDir;
    private final Path out;
    private final Path dataRootOverride;

    StudyContext(ExperimentConfig cfg, Path configDir, Path out, Path dataRootOverride) {
        this.cfg = cfg.validated();
        this.configDir = configDir;
        this.out = out.toAbsolutePath().normalize();
        this.dataRootOverride = dataRootOverride;
    }

    ExperimentConfig config() {
        return cfg;
    }

    /** The study directory (absolute). */
    Path out() {
        return out;
    }

    Path runDir(String run) {
        return out.resolve("runs").resolve(run);
    }

    Path dataDir() {
        return out.resolve("data");
    }

    boolean simulated() {
        return cfg.simulate() != null;
    }

    Path resolveConfigPath(String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : configDir.resolve(path).normalize();
    }

    List<String> trainCatalogs() {
        return simulated() ? List.of(dataDir().resolve("train.csv").toString())
                : cfg.data().trainCatalogs().stream().map(p -> resolveConfigPath(p).toString()).toList();
    }

    List<String> validationCatalogs() {
        if (simulated()) {
            return orDefault(cfg.simulate().validationVolumes(), 1) == 0 ? List.of() : List.of(dataDir().resolve("validation.csv").toString());
        }
        List<String> v = cfg.data().validationCatalogs();
        return v == null ? List.of() : v.stream().map(p -> resolveConfigPath(p).toString()).toList();
    }

    /** The test catalogs: the simulated test split, the config's catalogs, or both (real scans as extra test sets). */
    List<String> testCatalogs() {
        List<String> out = new java.util.ArrayList<>();
        if (simulated()) out.add(dataDir().resolve("test.csv").toString());
        if (cfg.data() != null && cfg.data().testCatalogs() != null) {
            cfg.data().testCatalogs().forEach(p -> out.add(resolveConfigPath(p).toString()));
        }
        return out;
    }

    /** The data root as the runs record it: the override, the config's, or none. */
    String dataRoot() {
        if (dataRootOverride != null) return dataRootOverride.toString();
        if (!simulated() && cfg.data().dataRoot() != null) return resolveConfigPath(cfg.data().dataRoot()).toString();
        return null;
    }

    Path dataRootPath() {
        String r = dataRoot();
        return r == null ? null : Path.of(r);
    }

    /** Named distributions: the config's, or one per simulated distribution selecting its datasetName. */
    Map<String, JsonNode> distributions() {
        Map<String, JsonNode> d = new LinkedHashMap<>();
        if (cfg.distributions() != null) d.putAll(cfg.distributions());
        if (simulated()) {
            for (String name : cfg.simulate().distributions()) {
                if (!d.containsKey(name)) {
                    ArrayNode list = JsonNodeFactory.instance.arrayNode();
                    list.addObject().put(Catalog.DATASET, name);
                    d.put(name, list);
                }
            }
        }
        return d;
    }

    JsonNode filters(String name) {
        JsonNode n = distributions().get(name);
        if (n == null) throw new IllegalArgumentException("unknown distribution '" + name + "'; known: " + distributions().keySet());
        return n;
    }

    /** The test sets by name with their filters, in config order. */
    Map<String, JsonNode> tests() {
        Map<String, JsonNode> tests = new LinkedHashMap<>();
        for (String t : cfg.testSets()) tests.put(t, filters(t));
        return tests;
    }

    /** The volumes a test set selects from the test catalog. */
    List<CatalogEntry> testVolumes(Map.Entry<String, JsonNode> test, Catalog catalog) {
        return Distribution.fromNode(test.getValue(), test.getKey()).select(catalog).entries();
    }

    Catalog testCatalog() {
        return readCatalogs(testCatalogs());
    }

    static Catalog readCatalogs(List<String> paths) {
        List<Catalog> list = new ArrayList<>();
        for (String p : paths) list.add(Catalog.read(Path.of(p)));
        return list.size() == 1 ? list.get(0) : Catalog.concat(list, String.join("+", paths));
    }

    /** The built-in distribution library, with the config's own library files on top, in order, when it names any. */
    DistributionLibrary library() {
        DistributionLibrary lib = DistributionLibrary.builtIn();
        for (Path f : libraryFiles()) lib = lib.withFile(f);
        return lib;
    }

    /** The config's own distribution library files, resolved, in the order they are read (none: empty). */
    List<Path> libraryFiles() {
        List<String> files = cfg.simulate() == null ? null : cfg.simulate().library();
        return files == null ? List.of() : files.stream().map(this::resolveConfigPath).toList();
    }

    /** The file the pathology boxes are read from: the simulator's for {@code simulated}, else the config's. */
    Path pathologyBoxesFile() {
        String p = cfg.pathologyBoxes();
        if (p == null) return null;
        return p.equals("simulated") ? dataDir().resolve("test").resolve(SimulationRun.ANNOTATIONS) : resolveConfigPath(p);
    }

    /**
     * The pathology boxes scored on the test sets: {@code pathology_boxes: simulated} takes the boxes the simulator
     * wrote for the test split, any other value is an annotation CSV (relative to the config); none without the key.
     */
    PathologyBoxes pathologyBoxes() {
        String p = cfg.pathologyBoxes();
        if (p == null) return null;
        if (p.equals("simulated") && !simulated()) throw new IllegalArgumentException("pathology_boxes: simulated needs a simulate: section");
        return PathologyBoxes.read(pathologyBoxesFile());
    }

    boolean normalizeOutput() {
        return Boolean.TRUE.equals(cfg.normalizeOutput());
    }

    static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }
}
