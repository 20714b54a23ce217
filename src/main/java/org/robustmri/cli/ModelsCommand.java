package org.robustmri.cli;

import org.robustmri.model.ModelFamily;
import org.robustmri.model.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "models", description = "Lists every registered model with its exact parameter count, and the families with their parameters.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-14s %14s  %s%n", "model", "parameters", "spec");
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            out.printf(Locale.ROOT, "%-14s %,14d  %s%n", e.spec().name(), e.parameterCount(), e.spec());
        }
        out.println();
        out.println("families and their parameters (custom sizes: --model FAMILY --model-param KEY=VALUE, or FAMILY:key=value,...):");
        for (ModelFamily f : ModelRegistry.families()) {
            out.println("  " + f.name());
            for (ModelFamily.Param p : f.params()) {
                out.printf(Locale.ROOT, "    %-11s default %-5s %s%n", p.name(), p.defaultValue(),
                        p.help() + (p.choices().isEmpty() ? "" : " " + p.choices()));
            }
        }
        return 0;
    }
}
