package org.robustmri.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's own run configs ({@code training_examples/*.yml} of its code: {@code model}, {@code lr},
 * {@code batch_size}, {@code num_epochs}, {@code augment_data}, {@code accl_factors}, {@code trainset_csv},
 * {@code train_attr}, ...) read as a training config: the same model, learning rate, batch size (with the paper's
 * batching), epochs and augmentation; its equispaced masks with the centre fraction its {@code mask_func_params}
 * gives each acceleration; its training CSV as the catalog and {@code train_attr} as the one training distribution,
 * named after the file. Keys that concern testing or its output folders ({@code testset_csv}, {@code test_attr},
 * {@code save_dir}, {@code checkpoint_epochs}, ...) are for {@code evaluate} and are not read here.
 */
final class PaperRunConfig {
    /** The paper's {@code mask_func_params}: acceleration to the centre fraction it trains with. */
    static final Map<Integer, Double> CENTER_FRACTIONS = Map.of(2, 0.16, 3, 0.12, 4, 0.08, 8, 0.04, 16, 0.02);

    private PaperRunConfig() {
    }

    /** True for a YAML document in the paper's run-config layout (ours has no {@code num_epochs} or {@code train_attr}). */
    static boolean is(JsonNode tree) {
        return tree != null && tree.isObject() && tree.has("train_attr") && tree.has("num_epochs") && tree.has("model");
    }

    static TrainSpec toSpec(Path file, JsonNode tree) {
        List<Double> accelerations = new ArrayList<>(), centres = new ArrayList<>();
        for (JsonNode a : tree.path("accl_factors")) {
            Double c = a.canConvertToInt() ? CENTER_FRACTIONS.get(a.asInt()) : null;
            if (c == null) throw new IllegalArgumentException(file + ": accl_factors " + a + " is not one the paper's code knows (2, 3, 4, 8, 16)");
            accelerations.add((double) a.asInt());
            centres.add(c);
        }
        if (accelerations.isEmpty()) throw new IllegalArgumentException(file + ": accl_factors is empty");
        JsonNode attrs = tree.get("train_attr");
        if (!attrs.isArray() || attrs.isEmpty()) throw new IllegalArgumentException(file + ": train_attr must be a list of attribute filters");
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Map<String, JsonNode> train = new LinkedHashMap<>();
        train.put(name, attrs);
        ObjectNode values = TrainSpec.YAML.createObjectNode();
        values.put("model", tree.path("model").asText());
        if (tree.has("lr")) values.put("lr", tree.get("lr").asDouble());
        if (tree.has("batch_size")) values.put("batch_size", tree.get("batch_size").asInt());
        values.put("epochs", tree.get("num_epochs").asInt());
        values.put("augment", tree.path("augment_data").asBoolean(false));
        values.put("batching", "paper");
        ObjectNode mask = values.putObject("mask");
        mask.put("type", "equispaced");
        accelerations.forEach(mask.putArray("accelerations")::add);
        centres.forEach(mask.putArray("center_fractions")::add);
        if (tree.hasNonNull("trainset_csv")) values.putArray("catalogs").add(trainingCsv(file, tree.get("trainset_csv").asText()).toString());
        values.set("train", TrainSpec.YAML.valueToTree(train));
        return TrainSpec.YAML.convertValue(values, TrainSpec.class);
    }

    /**
     * The training CSV as the paper's code finds it (relative to its repository root, which holds
     * {@code training_examples/} and {@code dataset_csv/}), or beside the config, or with {@code dataset_csv/} being
     * the folder that holds {@code training_examples/} (the layout of {@code configs/paper/splits}); when none exists,
     * the paper's own location (reading it then fails naming that path, and {@code --catalog} gives another).
     */
    private static Path trainingCsv(Path config, String csv) {
        Path p = Path.of(csv);
        if (p.isAbsolute()) return p;
        Path dir = config.toAbsolutePath().getParent(), root = dir.getParent();
        List<Path> tried = new ArrayList<>(List.of(dir.resolve(p)));
        if (root != null) {
            tried.add(root.resolve(p));
            if (p.getNameCount() > 1) tried.add(root.resolve(p.subpath(1, p.getNameCount())));
        }
        for (Path t : tried) if (Files.isRegularFile(t)) return t.normalize();
        return tried.get(tried.size() > 1 ? 1 : 0).normalize(); // where the paper's code reads it; --catalog replaces it
    }
}
